"""Scheduled jobs: module-level coroutines the job store references by name; each calls one service."""

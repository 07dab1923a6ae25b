"""Compiled contract artifacts (ABI + bytecode JSON), written by ``contracts/scripts/compile.js``.

A package only so the JSON files ship as package data; nothing here is imported at run time.
"""

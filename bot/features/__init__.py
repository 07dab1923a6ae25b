"""Feature wiring modules: each has ``wire(ctx, wiring)`` called by the runtime at start."""

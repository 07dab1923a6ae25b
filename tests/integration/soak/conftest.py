import sys
from pathlib import Path

# The soak lives in bench/ (it is a benchmark that prints figures); this smoke test runs the same code.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

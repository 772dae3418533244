"""Tests of draft validation (R7, R8, R10)."""

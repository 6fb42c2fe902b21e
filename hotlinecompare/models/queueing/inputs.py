"""Checking and broadcasting the queueing models' inputs (numpy arrays of any shape)."""

from __future__ import annotations

import numpy as np


def _broadcast(**named):
    """Convert named inputs to broadcast float arrays (copies, so they are writeable)."""
    arrays = np.broadcast_arrays(*(np.asarray(value, dtype=float) for value in named.values()))
    return [np.array(array) for array in arrays]


def _require(name, values, *, positive=False, allow_infinite=False, integer=False):
    """Raise ValueError unless values are non-negative (or positive), finite, integral as asked."""
    if np.any(np.isnan(values)):
        raise ValueError(f"{name} must not contain NaN")
    if not allow_infinite and np.any(np.isinf(values)):
        raise ValueError(f"{name} must be finite")
    if positive and np.any(values <= 0):
        raise ValueError(f"{name} must be > 0")
    if np.any(values < 0):
        raise ValueError(f"{name} must be >= 0")
    if integer and np.any(values != np.floor(values)):
        raise ValueError(f"{name} must be whole numbers of agents")


def _require_probability_target(name, values):
    if np.any(np.isnan(values)) or np.any((values <= 0) | (values >= 1)):
        raise ValueError(f"{name} must lie strictly between 0 and 1")


def _quiet():
    """Silence the harmless over/underflow of log-space intermediates (results are exact limits)."""
    return np.errstate(divide="ignore", over="ignore", under="ignore")


def _scalar_or_array(values):
    """0-d arrays become numpy scalars; other shapes are returned unchanged."""
    return values[()]

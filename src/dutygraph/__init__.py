"""dutygraph: cross-departmental regulatory duties as a graph."""

__version__ = "0.1.0"

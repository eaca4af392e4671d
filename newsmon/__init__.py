"""newsmon: follow one story across hundreds of outlets and languages."""

__version__ = "0.1.0"

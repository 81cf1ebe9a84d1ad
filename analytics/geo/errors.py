"""The order map's domain errors (config/errors.py renders them)."""

from config.errors import DomainError, NotFoundError, UnavailableError


class GeoError(DomainError):
    """A map question or an upload breaks a rule: the message names the parameter or field."""


class SourceNotFound(NotFoundError):
    """A named data source or file does not exist."""


class SourceUnavailable(UnavailableError):
    """The data source did not answer, answered an error or broke off mid-stream."""

"""The errors the Boxcar driver raises to Nova."""

from nova import exception


class BoxcarError(exception.NovaException):
    """An agent call failed; the message is the agent's, naming what and why."""
    msg_fmt = '%(reason)s'


class BoxcarBuildAbort(exception.BuildAbortException):
    """A build no host would do better with. str() is the reason alone: when the clean-up
    after a failed spawn fails too, Nova aborts with BuildAbortException(reason=str(error)),
    which then names the instance once, not twice."""

    def __str__(self):
        return str(self.kwargs['reason'])

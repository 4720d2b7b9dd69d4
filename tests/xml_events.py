"""Events as Windows' XML exports write them (one <Event> after another), for the tests that build small inputs of
their own: event_xml() gives one event's markup."""

NS = 'http://schemas.microsoft.com/win/2004/08/events/event'
CLAIMS = 'http://schemas.microsoft.com/2012/01/requestcontext/claims/'


def event_xml(record_id, time, provider, event_id, data, computer):
    """One event: `time` as TimeCreated's SystemTime without the Z, `data` the EventData's inner markup."""
    return (f'<Event xmlns="{NS}"><System><Provider Name="{provider}"/><EventID>{event_id}</EventID>'
            f'<TimeCreated SystemTime="{time}Z"/><EventRecordID>{record_id}</EventRecordID>'
            f'<Channel>Security</Channel><Computer>{computer}</Computer></System><EventData>{data}</EventData>'
            '</Event>')

namespace CxContact.Server.Scheduling;

/// <summary>
/// A run that cannot succeed by trying again (its campaign or list is gone, the campaign refused the action, the
/// import failed): the run is recorded failed with this message and Hangfire does not retry it.
/// </summary>
public sealed class ScheduleRunFailedException : Exception
{
    public ScheduleRunFailedException() { }
    public ScheduleRunFailedException(string message) : base(message) { }
    public ScheduleRunFailedException(string message, Exception inner) : base(message, inner) { }
}

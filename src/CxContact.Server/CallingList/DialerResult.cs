using CxContact.Core.Campaigns;

namespace CxContact.Server.CallingList;

/// <summary>One call's result as a dialer reports it.</summary>
public sealed record DialerResult(Guid LeaseId, long RecordId, CallResult Result, DateTimeOffset At, DateTimeOffset? CallbackAt);

namespace CxContact.Server.CallingList;

/// <summary>
/// A lease: records callable now, each allowed by the Compliance Manager at lease time. Deferred counts the records
/// that were picked but held back (compliance said not now, or another campaign is dialing the contact).
/// </summary>
public sealed record Lease(Guid LeaseId, DateTimeOffset ExpiresAt, IReadOnlyList<LeasedRecord> Records, int Deferred);

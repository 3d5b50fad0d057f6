namespace CxContact.Server.CallingList;

/// <summary>One record handed to a dialer: what it dials, and what it must quote back with the result.</summary>
public sealed record LeasedRecord(
    long RecordId, Guid ContactId, Guid ListId, string Phone, int ContactInfoType, long ChainId, int ChainN, int Attempt,
    string? TimeZone, int? DailyFrom, int? DailyTill, string? ClientId, string DeviceType, string? CallerId);

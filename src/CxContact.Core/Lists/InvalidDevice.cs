namespace CxContact.Core.Lists;

/// <summary>
/// A phone or email of a row that cannot be used, kept on the record with why: the field it came from (phone2,
/// email1), the value as the file gave it, and the reason. It is never dialled or messaged.
/// </summary>
public sealed record InvalidDevice(string Field, string Value, string Reason);

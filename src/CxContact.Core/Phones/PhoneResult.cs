using System.Diagnostics.CodeAnalysis;

namespace CxContact.Core.Phones;

/// <summary>
/// Either <see cref="Phone"/> or <see cref="Error"/>: a short human reason such as "too short", "too long",
/// "not a valid number for US", "unassigned area code 555", "premium-rate numbers are not dialled" or "not a phone number".
/// </summary>
public readonly record struct PhoneResult(PhoneInfo? Phone, string? Error)
{
    [MemberNotNullWhen(true, nameof(Phone))]
    public bool Ok => Phone is not null;
}

namespace CxContact.Core.Compliance;

/// <summary>Wire names for <see cref="CallPurpose"/> and <see cref="CallMode"/>.</summary>
public static class CallPurposes
{
    public static string ToWire(this CallPurpose p) => p switch
    {
        CallPurpose.Sales => "sales",
        CallPurpose.DebtCollection => "debt-collection",
        CallPurpose.Informational => "informational",
        _ => throw new ArgumentOutOfRangeException(nameof(p), p, "Not a call purpose."),
    };

    public static string ToWire(this CallMode m) => m switch
    {
        CallMode.Live => "live",
        CallMode.Automated => "automated",
        _ => throw new ArgumentOutOfRangeException(nameof(m), m, "Not a call mode."),
    };

    public static bool TryParse(string? s, out CallPurpose purpose)
    {
        purpose = CallPurpose.Sales;
        switch (s?.Trim().ToLowerInvariant())
        {
            case "sales": purpose = CallPurpose.Sales; return true;
            case "debt-collection": purpose = CallPurpose.DebtCollection; return true;
            case "informational": purpose = CallPurpose.Informational; return true;
            default: return false;
        }
    }

    public static bool TryParseMode(string? s, out CallMode mode)
    {
        mode = CallMode.Live;
        switch (s?.Trim().ToLowerInvariant())
        {
            case "live": mode = CallMode.Live; return true;
            case "automated": mode = CallMode.Automated; return true;
            default: return false;
        }
    }
}

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
        CallMode.Autodialed => "autodialed",
        CallMode.Prerecorded => "prerecorded",
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

    /// <summary>"live", "autodialed", "prerecorded", or "automated" for both machine modes.</summary>
    public static bool TryParseModes(string? s, out IReadOnlyList<CallMode> modes)
    {
        modes = s?.Trim().ToLowerInvariant() switch
        {
            "live" => [CallMode.Live],
            "autodialed" => [CallMode.Autodialed],
            "prerecorded" => [CallMode.Prerecorded],
            "automated" => [CallMode.Autodialed, CallMode.Prerecorded],
            _ => [],
        };
        return modes.Count > 0;
    }
}

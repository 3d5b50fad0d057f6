namespace CxContact.Core.Compliance;

/// <summary>Wire names for <see cref="DialingMode"/>.</summary>
public static class DialingModes
{
    public static string ToWire(this DialingMode m) => m switch
    {
        DialingMode.Preview => "preview",
        DialingMode.Progressive => "progressive",
        DialingMode.Predictive => "predictive",
        DialingMode.Power => "power",
        DialingMode.Agentless => "agentless",
        _ => throw new ArgumentOutOfRangeException(nameof(m), m, "Not a dialing mode."),
    };

    /// <summary>Parses a wire name, case-insensitively.</summary>
    public static bool TryParse(string? s, out DialingMode mode)
    {
        mode = DialingMode.Preview;
        switch (s?.Trim().ToLowerInvariant())
        {
            case "preview": mode = DialingMode.Preview; return true;
            case "progressive": mode = DialingMode.Progressive; return true;
            case "predictive": mode = DialingMode.Predictive; return true;
            case "power": mode = DialingMode.Power; return true;
            case "agentless": mode = DialingMode.Agentless; return true;
            default: return false;
        }
    }
}

using System.Text.Json.Serialization;

namespace CxContact.Benchmarks;

/// <summary>
/// The one JSON object a run ends with. Other tools parse it, so the property names are pinned here rather than
/// left to a naming policy.
/// </summary>
public sealed record ScenarioResult(
    [property: JsonPropertyName("scenario")] string Scenario,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("baseline")] Baseline Baseline,
    [property: JsonPropertyName("ratio")] double Ratio)
{
    /// <summary>Scenario-specific figures (e.g. peak_working_set_mb), written as extra top-level properties.</summary>
    [JsonExtensionData] public Dictionary<string, object>? Extra { get; init; }

    /// <summary>
    /// Builds a result whose ratio is computed from the very numbers it reports, so a reader who divides
    /// value by baseline.value gets the ratio back (to the rounding shown).
    /// </summary>
    public static ScenarioResult Create(string scenario, int size, string metric, double value, string unit, string baselineName, double baselineValue)
    {
        var v = Math.Round(value, 1);
        var b = Math.Round(baselineValue, 1);
        // A zero baseline would put NaN or Infinity in the JSON, which System.Text.Json refuses to write.
        var ratio = b > 0 ? RoundSignificant(v / b, 6) : 0;
        return new ScenarioResult(scenario, size, metric, v, unit, new Baseline(baselineName, b), ratio);
    }

    // Ratios span many orders of magnitude (0.0001 for a network hop against a method call), so fixed decimals won't do.
    private static double RoundSignificant(double x, int digits)
    {
        if (x == 0 || !double.IsFinite(x)) return 0;
        var scale = (int)Math.Floor(Math.Log10(Math.Abs(x))) + 1;
        var decimals = Math.Clamp(digits - scale, 0, 15);
        return Math.Round(x, decimals);
    }
}

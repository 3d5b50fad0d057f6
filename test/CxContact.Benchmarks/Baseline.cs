using System.Text.Json.Serialization;

namespace CxContact.Benchmarks;

/// <summary>What the scenario's value is compared with, measured in the same run and in the same unit.</summary>
public sealed record Baseline(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] double Value);

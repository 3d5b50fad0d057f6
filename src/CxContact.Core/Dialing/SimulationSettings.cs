namespace CxContact.Core.Dialing;

/// <summary>
/// A simulated dialer: Agents agents, talk times drawn around TalkSeconds, a result drawn from ResultWeights for each
/// call placed. Speed makes the simulated clock run that many times faster than real time (talk and wrap-up shrink;
/// results still carry real instants, so compliance windows stay true). Predictive pacing adapts its dial ratio to
/// keep abandonment at or under AbandonTarget over the legal window of Regime ("fcc": 30 days, "ofcom": 24 h).
/// </summary>
[GenerateSerializer, Alias("cxc.SimulationSettings")]
public sealed record SimulationSettings
{
    [Id(0)] public int Agents { get; init; } = 10;
    [Id(1)] public double TalkSeconds { get; init; } = 180;
    [Id(2)] public double WrapSeconds { get; init; } = 15;
    [Id(3)] public double RingSeconds { get; init; } = 15;
    [Id(4)] public double Speed { get; init; } = 60;
    [Id(5)] public IReadOnlyDictionary<string, double> ResultWeights { get; init; } = DefaultWeights;
    [Id(6)] public double? AbandonTarget { get; init; }
    [Id(7)] public string Regime { get; init; } = "fcc";
    /// <summary>Stop after this many simulated seconds; null runs until the campaign has nothing left or is stopped.</summary>
    [Id(8)] public double? DurationSeconds { get; init; }
    [Id(9)] public int Seed { get; init; }

    public static readonly IReadOnlyDictionary<string, double> DefaultWeights = new Dictionary<string, double>
    {
        ["answered"] = 0.35, ["no-answer"] = 0.25, ["busy"] = 0.1, ["answering-machine"] = 0.2,
        ["invalid-number"] = 0.04, ["fax"] = 0.01, ["wrong-party"] = 0.03, ["callback-requested"] = 0.01, ["dnc-request"] = 0.01,
    };
}

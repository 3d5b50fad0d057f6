namespace CxContact.Core.Compliance;

/// <summary>
/// The calls a rule covers: by purpose and by mode. A call whose purpose or mode is not known is covered by every
/// rule (the strictest reading): a missing field must never take a call out of a law's reach.
/// </summary>
[GenerateSerializer, Immutable, Alias("cxc.RuleCoverage")]
public sealed record RuleCoverage(
    [property: Id(0)] IReadOnlyList<CallPurpose> Purposes,
    [property: Id(1)] IReadOnlyList<CallMode> Modes)
{
    public static readonly IReadOnlyList<CallPurpose> AllPurposes = [CallPurpose.Sales, CallPurpose.DebtCollection, CallPurpose.Informational];
    public static readonly IReadOnlyList<CallMode> AllModes = [CallMode.Live, CallMode.Autodialed, CallMode.Prerecorded];

    /// <summary>Every call.</summary>
    public static RuleCoverage All { get; } = new(AllPurposes, AllModes);

    public bool Covers(CallPurpose? purpose, CallMode? mode) =>
        (purpose is not { } p || Purposes.Contains(p)) && (mode is not { } m || Modes.Contains(m));

    public bool IsAll => Purposes.Count == AllPurposes.Count && Modes.Count == AllModes.Count;

    /// <summary>The mode of a call in a dialing mode (see <see cref="CallMode"/>). Unknown stays unknown.</summary>
    public static CallMode? ModeOf(DialingMode? dialing) => dialing switch
    {
        null => null,
        DialingMode.Preview => CallMode.Live,
        DialingMode.Agentless => CallMode.Prerecorded,
        _ => CallMode.Autodialed,
    };

    public override string ToString() =>
        IsAll ? "every call" : $"{string.Join("/", Purposes.Select(CallPurposes.ToWire))} calls, {string.Join("/", Modes.Select(CallPurposes.ToWire))}";
}

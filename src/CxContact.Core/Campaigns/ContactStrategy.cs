namespace CxContact.Core.Campaigns;

/// <summary>A campaign's treatment of call results. Results without a rule of their own get the defaults.</summary>
[GenerateSerializer, Alias("cxc.ContactStrategy")]
public sealed record ContactStrategy
{
    [Id(0)] public IReadOnlyList<StrategyRule> Rules { get; init; } = [];
}

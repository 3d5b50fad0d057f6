namespace CxContact.Core.Campaigns;

/// <summary>What happens to a record after a result: Retry (at RetryAt), NextDevice, Done or Suppress.</summary>
public sealed record StrategyDecision(StrategyAction Action, DateTimeOffset? RetryAt, string Explanation);

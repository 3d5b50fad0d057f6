namespace CxContact.Core.Campaigns;

/// <summary>
/// A campaign's own calling window in each contact's local time, applied on top of the rule set: it can only
/// narrow what the law allows, never widen it.
/// </summary>
[GenerateSerializer, Alias("cxc.CallingHours")]
public sealed record CallingHours([property: Id(0)] TimeSpan From, [property: Id(1)] TimeSpan Till);

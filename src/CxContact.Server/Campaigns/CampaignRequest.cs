using CxContact.Core.Lists;

namespace CxContact.Server.Campaigns;

/// <summary>The body of POST /api/v1/campaigns and PUT /api/v1/campaigns/{id}: the whole configuration.</summary>
public sealed record CampaignRequest(
    string? Name,
    string? Description,
    IReadOnlyList<CampaignRequest.ListRef?>? ContactLists,
    IReadOnlyList<Guid>? SuppressionLists,
    string? RuleSetId,
    string? DialingMode,
    IReadOnlyList<CampaignRequest.Sort?>? SortFields,
    int? Priority,
    SelectionRule? Filter,
    CampaignRequest.Strategy? ContactStrategy,
    CampaignRequest.DeviceSettings? Devices,
    CampaignRequest.Hours? CallingHours,
    string? CallerId,
    int? MaxAttempts,
    Guid? DncList,
    int? LeaseSeconds,
    double? AbandonTarget,
    string? Purpose = null,
    string? Channel = null,
    Guid? TemplateId = null,
    Guid? GatewayId = null,
    int? MessagesPerSecond = null)
{
    public sealed record ListRef(Guid? Id, int? Weight);
    public sealed record Sort(string? Field, string? Direction);
    public sealed record Strategy(IReadOnlyList<StrategyRuleRequest?>? Rules);
    public sealed record StrategyRuleRequest(string? Result, string? Action, int? DelayMinutes, int? IncrementMinutes, int? MaxRetries, string? Then, string? SameAs);
    public sealed record DeviceSettings(IReadOnlyList<string>? Order, IReadOnlyList<string>? Types);
    public sealed record Hours(string? From, string? Till);
}

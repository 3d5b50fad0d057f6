using CxContact.Core.Campaigns;
using CxContact.Core.Compliance;
using CxContact.Core.Lists;
using CxContact.Core.Phones;

namespace CxContact.Server.Campaigns;

/// <summary>A campaign as the API shows it: its state, the last preload, and the whole configuration in request shape.</summary>
public sealed record CampaignView(
    Guid Id, string Name, string State, string? StateReason, DateTimeOffset StateChangedAt, DateTimeOffset CreatedAt, bool Preloading,
    CampaignView.PreloadView? LastPreload, string? Description, IReadOnlyList<CampaignRequest.ListRef> ContactLists,
    IReadOnlyList<Guid> SuppressionLists, string? RuleSetId, string DialingMode, IReadOnlyList<CampaignRequest.Sort> SortFields, int Priority,
    SelectionRule? Filter, CampaignRequest.Strategy ContactStrategy, CampaignRequest.DeviceSettings Devices, CampaignRequest.Hours? CallingHours,
    string? CallerId, int MaxAttempts, Guid? DncList, int LeaseSeconds, double AbandonTarget, string? Purpose,
    string Channel, Guid? TemplateId, Guid? GatewayId, int MessagesPerSecond)
{
    public sealed record PreloadView(DateTimeOffset StartedAt, DateTimeOffset FinishedAt, double Seconds, long Rows, long Callable,
        IReadOnlyDictionary<string, long> Reasons, bool Incremental, string? Error);

    public static CampaignView From(CampaignInfo i)
    {
        var d = i.Definition;
        var p = i.LastPreload;
        return new CampaignView(i.Id, d.Name, i.State.ToWire(), i.StateReason, i.StateChangedAt, i.CreatedAt,
            i.State == CampaignState.Preloading || i.StateReason == "re-preloading",
            p is null ? null : new PreloadView(p.StartedAt, p.FinishedAt, Math.Round((p.FinishedAt - p.StartedAt).TotalSeconds, 3), p.Rows, p.Callable,
                p.Reasons, p.Incremental, p.Error),
            d.Description, [.. d.ContactLists.Select(l => new CampaignRequest.ListRef(l.Id, l.Weight))], d.SuppressionLists, d.RuleSetId,
            d.DialingMode.ToWire(), [.. d.SortFields.Select(s => new CampaignRequest.Sort(s.Field, s.Descending ? "desc" : "asc"))], d.Priority,
            d.Filter,
            new CampaignRequest.Strategy([.. d.ContactStrategy.Rules.Select(r => new CampaignRequest.StrategyRuleRequest(r.Result.ToWire(),
                ContactStrategies.Wire(r.Action), r.DelayMinutes, r.IncrementMinutes, r.MaxRetries, ContactStrategies.Wire(r.Then), r.SameAs?.ToWire()))]),
            new CampaignRequest.DeviceSettings(d.DeviceOrder, [.. d.DeviceTypes.Select(t => t.ToWire())]),
            d.CallingHours is { } h ? new CampaignRequest.Hours(TimeWindow.Format(h.From), TimeWindow.Format(h.Till)) : null,
            d.CallerId, d.MaxAttempts, d.DncList, d.LeaseSeconds, d.AbandonTarget, d.Purpose?.ToWire(),
            d.Channel.ToWire(), d.TemplateId, d.GatewayId, d.MessagesPerSecond);
    }
}

using CxContact.Core.Compliance;
using CxContact.Core.Lists;
using CxContact.Core.Phones;

namespace CxContact.Core.Campaigns;

/// <summary>
/// A campaign group's configuration, validated at the edge. DeviceOrder names phone slots ("phone1".."phone10") in
/// the order they are tried; DeviceTypes are the enabled device types. MaxAttempts caps a contact's attempts across
/// campaigns (contacts at the cap are left out at preload). LeaseSeconds is how long a dialer may hold a record.
/// </summary>
[GenerateSerializer, Alias("cxc.CampaignDefinition")]
public sealed record CampaignDefinition
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public string? Description { get; init; }
    [Id(2)] public IReadOnlyList<CampaignListRef> ContactLists { get; init; } = [];
    [Id(3)] public IReadOnlyList<Guid> SuppressionLists { get; init; } = [];
    [Id(4)] public string? RuleSetId { get; init; }
    [Id(5)] public DialingMode DialingMode { get; init; } = DialingMode.Progressive;
    [Id(6)] public IReadOnlyList<SortField> SortFields { get; init; } = [];
    [Id(7)] public int Priority { get; init; } = 5;
    [Id(8)] public SelectionRule? Filter { get; init; }
    [Id(9)] public ContactStrategy ContactStrategy { get; init; } = new();
    [Id(10)] public IReadOnlyList<string> DeviceOrder { get; init; } = StandardFields.Phones;
    [Id(11)] public IReadOnlyList<DeviceType> DeviceTypes { get; init; } =
        [DeviceType.Unknown, DeviceType.Mobile, DeviceType.Landline, DeviceType.Voip, DeviceType.TollFree];
    [Id(12)] public CallingHours? CallingHours { get; init; }
    [Id(13)] public string? CallerId { get; init; }
    [Id(14)] public int MaxAttempts { get; init; } = 10;
    [Id(15)] public Guid? DncList { get; init; }
    [Id(16)] public int LeaseSeconds { get; init; } = 300;
    [Id(17)] public double AbandonTarget { get; init; } = 0.03;

    /// <summary>
    /// What the campaign's calls are for (sales, debt collection, informational): a rule applies only to the calls it
    /// covers. Null (a campaign saved without a purpose): every rule applies.
    /// </summary>
    [Id(18)] public CallPurpose? Purpose { get; init; }

    /// <summary>voice (dialers lease records), sms or email (the Dial Manager sends one message per record).</summary>
    [Id(19)] public Channel Channel { get; init; } = Channel.Voice;

    /// <summary>Messaging: the template each message is rendered from (its channel is the campaign's).</summary>
    [Id(20)] public Guid? TemplateId { get; init; }

    /// <summary>Messaging: the tenant's gateway the messages go through.</summary>
    [Id(21)] public Guid? GatewayId { get; init; }

    /// <summary>Messaging: the most messages per second this campaign sends, across every messaging silo.</summary>
    [Id(22)] public int MessagesPerSecond { get; init; } = 20;
}

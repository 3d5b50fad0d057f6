using CxContact.Server.Tests.Campaigns;

namespace CxContact.Server.Tests.Scheduling;

/// <summary>
/// The scheduling tests share one server: every host holds a share of PostgreSQL's connections (its pools and its
/// Hangfire workers), and the suite already runs near the test cluster's limit. Classes in one collection run one
/// after another, so the restart in <see cref="SchedulerReconcileTests"/> disturbs no other test.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SchedulingCollection : ICollectionFixture<CampaignFixture>
{
    public const string Name = "Scheduling";
}

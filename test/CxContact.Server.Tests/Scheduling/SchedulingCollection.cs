using CxContact.Server.Tests.Campaigns;

namespace CxContact.Server.Tests.Scheduling;

/// <summary>
/// The scheduling tests share one server: every host holds a share of PostgreSQL's connections (its pools and its
/// Hangfire workers), and the suite already runs near the test cluster's limit. Classes in one collection run one
/// after another, so the restart in <see cref="SchedulerReconcileTests"/> disturbs no other test. The collection also
/// runs alone, after the parallel ones: with other hosts' Hangfire servers in the same process, a queued run has
/// been seen to vanish from this host's queue under the full suite (not yet understood; see the issue 6 note).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SchedulingCollection : ICollectionFixture<CampaignFixture>
{
    public const string Name = "Scheduling";
}

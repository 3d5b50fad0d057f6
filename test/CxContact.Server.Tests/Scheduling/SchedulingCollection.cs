using CxContact.Server.Tests.Campaigns;

namespace CxContact.Server.Tests.Scheduling;

/// <summary>
/// The scheduling tests share one server: every host holds a share of PostgreSQL's connections (its pools and its
/// Hangfire workers), and the suite already runs near the test cluster's limit. Classes in one collection run one
/// after another, so the restarts and extra servers here disturb no other test, and the collection runs alone,
/// after the parallel ones. (Jobs that vanished from a host's queue under the full suite were Hangfire's
/// process-wide log provider pointing at a disposed host; see HangfireLogging and HangfireHostIsolationTests.)
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SchedulingCollection : ICollectionFixture<CampaignFixture>
{
    public const string Name = "Scheduling";
}

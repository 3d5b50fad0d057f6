using CxContact.Server.Compliance.Recovery;
using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Compliance;

/// <summary>
/// The Compliance Manager's services. The audit writer drains its queue at shutdown. Every silo watches the Redis
/// marker (its readers and writers depend on it); compliance silos also rebuild Redis when it was lost, and are not
/// ready until it is current.
/// </summary>
public static class ComplianceHosting
{
    public static void AddCxCompliance(this IServiceCollection services, PlatformSettings settings)
    {
        services.AddSingleton<AttemptPreparer>();
        services.AddSingleton<AttemptHorizon>();
        services.AddSingleton<AttemptWindows>();
        services.AddSingleton<AttemptHistory>();
        services.AddSingleton<RuleSetStore>();
        services.AddSingleton<DecisionLookup>();
        services.AddSingleton<ComplianceDecider>();
        services.AddSingleton<ComplianceValidator>();
        services.AddSingleton<DecisionAudit>();
        services.AddHostedService(sp => sp.GetRequiredService<DecisionAudit>());
        services.AddSingleton<RedisEpoch>();
        services.AddSingleton<RebuildRequests>();
        services.AddSingleton<ComplianceRebuild>();
        services.AddHostedService<RedisEpochWatch>();
        if (settings.Has(SiloRoles.Compliance))
            services.AddHealthChecks().AddCheck<ComplianceIndexHealthCheck>("compliance-index", tags: ["ready"]);
    }
}

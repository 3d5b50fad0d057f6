namespace CxContact.Server.Compliance;

/// <summary>The Compliance Manager's services. The audit writer drains its queue at shutdown.</summary>
public static class ComplianceHosting
{
    public static void AddCxCompliance(this IServiceCollection services)
    {
        services.AddSingleton<AttemptPreparer>();
        services.AddSingleton<AttemptHistory>();
        services.AddSingleton<RuleSetStore>();
        services.AddSingleton<DecisionLookup>();
        services.AddSingleton<ComplianceDecider>();
        services.AddSingleton<ComplianceValidator>();
        services.AddSingleton<DecisionAudit>();
        services.AddHostedService(sp => sp.GetRequiredService<DecisionAudit>());
    }
}

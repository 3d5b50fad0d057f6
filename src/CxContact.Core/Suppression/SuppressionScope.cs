namespace CxContact.Core.Suppression;

/// <summary>Which campaigns a list applies to: all of the tenant's, or only the ones it names.</summary>
public static class SuppressionScope
{
    public const string Tenant = "tenant";
    public const string Campaigns = "campaigns";

    public static bool IsKnown(string? scope) => scope is Tenant or Campaigns;
}

namespace CxContact.Server.Platform.Hosting;

/// <summary>Reads CXC_ROLES ("api,scheduler"; empty or unset means all). An unknown name is an error, not a no-op.</summary>
public static class SiloRolesParser
{
    private static readonly Dictionary<string, SiloRoles> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["api"] = SiloRoles.Api,
        ["compliance"] = SiloRoles.Compliance,
        ["campaign"] = SiloRoles.Campaign,
        ["scheduler"] = SiloRoles.Scheduler,
        ["messaging"] = SiloRoles.Messaging,
        ["all"] = SiloRoles.All,
    };

    public static SiloRoles Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return SiloRoles.All;
        var roles = SiloRoles.None;
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Names.TryGetValue(part, out var role))
                throw new InvalidSettingException("CXC_ROLES",
                    $"unknown role \"{part}\"; expected a comma list of {string.Join(", ", Names.Keys)}");
            roles |= role;
        }
        return roles;
    }

    /// <summary>Every role's name, never "all": what a silo's metadata lists for role-bound placement.</summary>
    public static string Each(SiloRoles roles) =>
        string.Join(",", Names.Where(n => n.Value != SiloRoles.All && roles.HasFlag(n.Value)).Select(n => n.Key));

    public static string Format(SiloRoles roles) =>
        roles == SiloRoles.All ? "all" : string.Join(",", Names.Where(n => n.Value != SiloRoles.All && roles.HasFlag(n.Value)).Select(n => n.Key));
}

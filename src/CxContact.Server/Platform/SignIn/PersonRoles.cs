using CxContact.Core.Tenancy;

namespace CxContact.Server.Platform.SignIn;

/// <summary>
/// Which of several mapped roles a person gets in one tenant: the highest. Admin, then supervisor, then viewer, then
/// dialer: a person in a viewer group and a dialer group reads the console rather than acting as a dialer integration.
/// </summary>
public static class PersonRoles
{
    private static readonly string[] Rank = [ApiKeyRoles.SystemAdmin, ApiKeyRoles.Admin, ApiKeyRoles.Supervisor, ApiKeyRoles.Viewer, ApiKeyRoles.Dialer];

    public static string? Highest(IEnumerable<string> roles)
    {
        var best = int.MaxValue;
        foreach (var role in roles) best = Math.Min(best, Array.IndexOf(Rank, role) is var i and >= 0 ? i : int.MaxValue);
        return best == int.MaxValue ? null : Rank[best];
    }
}

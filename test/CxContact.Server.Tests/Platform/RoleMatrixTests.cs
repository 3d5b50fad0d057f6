using CxContact.Core.Tenancy;
using CxContact.Server.Platform.Auth;
using CxContact.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// The role matrix in the README is the one the server enforces: each policy the server defines is a row, and the
/// roles marked "yes" are exactly the roles the policy lets through. A policy added, or a role given or taken away,
/// without the table changing fails here.
/// </summary>
public sealed class RoleMatrixTests
{
    private static readonly string[] Roles = [ApiKeyRoles.Admin, ApiKeyRoles.Supervisor, ApiKeyRoles.Viewer, ApiKeyRoles.Dialer, ApiKeyRoles.SystemAdmin];

    [Fact]
    public void The_readmes_role_matrix_is_the_policies_the_server_enforces()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var start = readme.IndexOf("<!-- role-matrix:start -->", StringComparison.Ordinal);
        var end = readme.IndexOf("<!-- role-matrix:end -->", StringComparison.Ordinal);
        Assert.True(start > 0 && end > start, "the README has no role matrix between its markers");
        var rows = readme[start..end].Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('|') && !l.StartsWith("|---") && !l.StartsWith("| policy"))
            .Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
        var documented = rows.ToDictionary(r => r[0], r => Roles.Where((_, i) => r[i + 1] == "yes").ToHashSet());

        var options = new AuthorizationOptions();
        Policies.Add(options);
        var names = typeof(Policies).GetFields().Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Equal(names.Order(), documented.Keys.Order());
        foreach (var name in names)
        {
            var policy = options.GetPolicy(name)!;
            var roles = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).ToHashSet();
            var enforced = roles.Count == 0 && policy.Requirements.OfType<DenyAnonymousAuthorizationRequirement>().Any() ? Roles.ToHashSet() : roles;
            Assert.True(enforced.SetEquals(documented[name]),
                $"{name}: the server lets {string.Join(", ", enforced.Order())} through; the README says {string.Join(", ", documented[name].Order())}");
        }
    }
}

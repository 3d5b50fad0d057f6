using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Compliance;

/// <summary>
/// Decisions run in compliance-role grains: an api-only silo cannot decide by itself, and says which role is missing
/// (503) for single, batch and OCS validation; once a compliance silo joins, the same calls are decided there,
/// suppression included, and audited.
/// </summary>
// Beside RolePlacementTests, not in parallel with it: two role-restricted servers starting together have been seen
// to count each other's Hangfire servers.
[Collection("restricted roles")]
public sealed class ValidationRolePlacementTests
{
    private const string At = "2026-12-02T20:00:00Z"; // noon Pacific

    [Fact]
    public async Task Validation_waits_for_a_compliance_silo()
    {
        var cluster = "roles-" + Guid.NewGuid().ToString("N");
        var prefix = LocalRedis.NewPrefix("roles");
        var api = new ApiFactory().With("CXC_ROLES", "api,scheduler").With("CXC_CLUSTER_ID", cluster).With("CXC_SERVICE_ID", cluster)
            .With("CXC_REDIS_PREFIX", prefix);
        await api.InitializeAsync();
        try
        {
            var tenant = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Roles " + Guid.NewGuid().ToString("N")[..6] }),
                HttpStatusCode.Created);
            var admin = api.Client(tenant.GetProperty("adminKey").GetProperty("key").GetString()!);
            foreach (var refused in new[]
            {
                await admin.PostJson("/api/v1/compliance/validate", new { dialingMode = "preview", phone = "+14155552671", at = At }),
                await admin.PostJson("/api/v1/compliance/validate-batch", new { items = new[] { new { dialingMode = "preview", phone = "+14155552671", at = At } } }),
                await admin.GetAsync("/api/v1/compliance/when?phone=%2B14155552671"),
                await admin.PostJson("/ocs/validate", new Dictionary<string, string> { ["GSW_PHONE"] = "14155552671" }),
            })
            {
                var problem = await HttpAssert.Problem(refused, HttpStatusCode.ServiceUnavailable);
                Assert.Contains("\"compliance\"", problem.GetProperty("detail").GetString());
            }

            var url = $"http://127.0.0.1:{LocalProcess.FreePort()}";
            await using var complianceSilo = ServerProcess.Start(new Dictionary<string, string>
            {
                ["CXC_POSTGRES"] = api.Postgres, ["CXC_REDIS"] = LocalRedis.ConfigurationString, ["CXC_CLUSTER_ID"] = cluster, ["CXC_SERVICE_ID"] = cluster,
                ["CXC_REDIS_PREFIX"] = prefix, ["CXC_ROLES"] = "compliance", ["ASPNETCORE_URLS"] = url,
                ["CXC_SILO_PORT"] = LocalProcess.FreePort().ToString(), ["CXC_GATEWAY_PORT"] = LocalProcess.FreePort().ToString(),
            });
            await complianceSilo.WaitForAsync(url + "/health/ready", body => body.Contains("2 active silo(s)"), TimeSpan.FromSeconds(120));

            // The API silo learns of the new silo's metadata from membership within moments. The list comes first: which
            // lists apply is cached for a moment once a decision has asked.
            var created = await Eventually.UntilAsync(() => admin.PostJson("/api/v1/suppression-lists", new { name = "DNC" }),
                r => r.StatusCode != HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
            var list = (await HttpAssert.Json(created, HttpStatusCode.Created)).GetProperty("id").GetGuid();
            await new CxContact.Server.Tests.Suppression.SuppressionClient(admin).AddAsync(list, new { type = "phone", value = "+14155550100" });

            // Decided on the compliance silo against the shared index: a suppressed number is denied, alone, in a batch and over OCS.
            var allowed = await HttpAssert.Json(await admin.PostJson("/api/v1/compliance/validate", new { dialingMode = "preview", phone = "+14155552671", at = At }), HttpStatusCode.OK);
            Assert.Equal("allow", allowed.GetProperty("decision").GetString());
            var suppressed = await HttpAssert.Json(await admin.PostJson("/api/v1/compliance/validate", new { dialingMode = "preview", phone = "415-555-0100", at = At }), HttpStatusCode.OK);
            Assert.Equal("deny", suppressed.GetProperty("decision").GetString());
            Assert.Equal("suppressed", suppressed.GetProperty("reasons")[0].GetProperty("rule").GetString());
            var batch = await HttpAssert.Json(await admin.PostJson("/api/v1/compliance/validate-batch",
                new { items = new[] { new { dialingMode = "preview", phone = "+14155552671", at = At }, new { dialingMode = "preview", phone = "+14155550100", at = At } } }), HttpStatusCode.OK);
            Assert.Equal(["allow", "deny"], batch.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("decision").GetString()));
            var ocs = await admin.PostJson("/ocs/validate", new Dictionary<string, string> { ["GSW_PHONE"] = "14155550100" });
            Assert.Equal(HttpStatusCode.Conflict, ocs.StatusCode);

            // The compliance silo writes the audit trail of what it decided.
            var audited = await Eventually.UntilAsync(async () => await HttpAssert.Json(await admin.GetAsync("/api/v1/compliance/decisions?subject=%2B14155550100"), HttpStatusCode.OK),
                a => a.GetArrayLength() >= 3, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
            Assert.Equal(3, audited.GetArrayLength());
        }
        finally
        {
            await api.DisposeAsync();
        }
    }
}

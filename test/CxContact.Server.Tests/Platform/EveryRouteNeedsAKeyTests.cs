using System.Text.Json;
using System.Net;
using System.Text.RegularExpressions;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// Walks every operation in the OpenAPI document, so a route added later without a policy fails here:
/// without a key, each one answers 401 problem details (never 200, 404 or 500); the two Kannel callbacks, which
/// authenticate with a secret in their URL, answer 400 without it.
/// </summary>
public sealed class EveryRouteNeedsAKeyTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Every_api_operation_refuses_a_request_without_a_key()
    {
        var doc = await HttpAssert.Json(await api.Client().GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        var checkedOps = 0;
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            Assert.True(path.Name.StartsWith("/api/v1/") || path.Name.StartsWith("/ocs/"), path.Name);
            foreach (var op in path.Value.EnumerateObject())
            {
                // Each path parameter gets a value of its own type, so the route matches and only the key is missing.
                var integers = op.Value.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path" && p.TryGetProperty("schema", out var sc)
                        && sc.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "integer")
                        .Select(p => p.GetProperty("name").GetString()).ToHashSet()
                    : [];
                var url = Regex.Replace(path.Name, @"\{([^}]+)\}", m => integers.Contains(m.Groups[1].Value) ? "1" : Guid.CreateVersion7().ToString());
                var request = new HttpRequestMessage(new HttpMethod(op.Name.ToUpperInvariant()), url);
                if (op.Name is "post" or "put" or "patch")
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                var response = await api.Client().SendAsync(request);
                // Kannel's callbacks carry the gateway's secret in the query instead of a key: without it, a 400.
                var expected = KannelCallbacks.IsMatch(path.Name) ? HttpStatusCode.BadRequest : HttpStatusCode.Unauthorized;
                Assert.True(response.StatusCode == expected, $"{op.Name.ToUpperInvariant()} {path.Name} answered {(int)response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                checkedOps++;
            }
        }
        Assert.True(checkedOps >= 8, $"only {checkedOps} operations found in the OpenAPI document");
    }

    private static readonly Regex KannelCallbacks = new(@"^/api/v1/messaging/gateways/\{gatewayId\}/kannel/(dlr|inbound)$");
}

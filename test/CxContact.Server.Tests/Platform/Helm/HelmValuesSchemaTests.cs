using System.Text.Json.Nodes;
using Json.Schema;
using static CxContact.Server.Tests.Platform.Helm.HelmChart;

namespace CxContact.Server.Tests.Platform.Helm;

/// <summary>
/// values.schema.json, run by a JSON Schema validator as helm runs it: against values.yaml, and against each ci/ file
/// coalesced over it. It must take all of them and refuse what the server or Kubernetes would refuse later.
/// </summary>
public sealed class HelmValuesSchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(ChartDir, "values.schema.json"));
    private static JsonObject Defaults() => (JsonObject)Yaml("values.yaml")!;

    private static List<string> CiFiles() => Directory.EnumerateFiles(Path.Combine(ChartDir, "ci"), "*.yaml").Select(f => "ci/" + Path.GetFileName(f)).Order().ToList();
    public static TheoryData<string> CiValues() => new(CiFiles());

    [Fact]
    public void The_schema_takes_values_yaml()
    {
        AssertValid(Defaults(), "values.yaml");
        // The schema is strict (no unknown keys), so every key of values.yaml is described by it; and it does refuse.
        Assert.False(Evaluate(Merge(Defaults(), new JsonObject { ["typo"] = 1 })).IsValid);
    }

    [Theory]
    [MemberData(nameof(CiValues))]
    public void The_schema_takes_each_ci_values_file(string file)
    {
        AssertValid(Merge(Defaults(), (JsonObject?)Yaml(file)), file);
    }

    [Fact]
    public void There_is_a_ci_file_with_the_least_an_install_needs_and_one_with_everything_on()
    {
        var files = CiFiles();
        Assert.Contains("ci/default-values.yaml", files);
        Assert.Contains("ci/full-values.yaml", files);
        var full = Merge(Defaults(), (JsonObject?)Yaml("ci/full-values.yaml"));
        foreach (var on in new[] { "ingress", "nginx", "networkPolicy", "podMonitor", "podDisruptionBudget", "migrations" })
            Assert.True(full[on]!["enabled"]!.GetValue<bool>(), $"ci/full-values.yaml leaves {on} off");
        Assert.Equal("emptyDir", full["landing"]!["type"]!.GetValue<string>());
        Assert.False(full["roles"]!.AsObject().ContainsKey("messaging")); // a role left out with null
        // The secrets key there is one the server would take: 32 bytes in base64.
        Assert.Equal(32, Convert.FromBase64String(full["secretsKey"]!.GetValue<string>()).Length);
    }

    [Theory]
    [InlineData("""{ "roles": { "dialer": { "replicaCount": 1 } } }""", "a role the server does not know")]
    [InlineData("""{ "roles": { "api": { "replicas": 1 } } }""", "a misspelt role setting")]
    [InlineData("""{ "roles": { "api": { "autoscaling": { "enabled": true } } } }""", "an autoscaler on a role that has none")]
    [InlineData("""{ "orleans": { "serviceId": "cx contact" } }""", "a service id that is no label value")]
    [InlineData("""{ "orleans": { "clusterId": "-cluster" } }""", "a cluster id that is no label value")]
    [InlineData("""{ "orleans": { "clusterId": "a-cluster-id-that-is-much-longer-than-sixty-three-characters-long-x" } }""", "a cluster id over 63 characters")]
    [InlineData("""{ "secretsKey": "too-short" }""", "a secrets key that is not 32 bytes in base64")]
    [InlineData("""{ "bootstrapAdminKey": "short" }""", "a bootstrap key under 32 characters")]
    [InlineData("""{ "landing": { "type": "hostPath" } }""", "a landing volume type the chart does not make")]
    [InlineData("""{ "trustedProxies": ["ingress-nginx"] }""", "a trusted proxy that is not an address")]
    public void The_schema_refuses(string user, string what)
    {
        var values = Merge(Defaults(), (JsonObject)JsonNode.Parse(user)!);
        Assert.False(Evaluate(values).IsValid, $"the schema takes {what}");
    }

    [Fact]
    public void A_role_may_be_left_out_with_null_and_ids_may_be_empty()
    {
        var values = Merge(Defaults(), (JsonObject)JsonNode.Parse("""{ "roles": { "messaging": null }, "orleans": { "clusterId": "" } }""")!);
        AssertValid(values, "messaging: null");
        // As typed, before helm removes it: the schema takes null for a role too.
        var raw = Defaults();
        raw["roles"]!["scheduler"] = null;
        AssertValid(raw, "scheduler: null (uncoalesced)");
    }

    private static EvaluationResults Evaluate(JsonNode values) =>
        Schema.Evaluate(values, new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static void AssertValid(JsonNode values, string what)
    {
        var result = Evaluate(values);
        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).ToList();
        Assert.True(result.IsValid, $"values.schema.json refuses {what}: " + string.Join("; ", errors));
    }
}

using Microsoft.Extensions.Configuration;
using CxContact.Server.Platform.Hosting;
using static CxContact.Server.Tests.Platform.Helm.HelmChart;

namespace CxContact.Server.Tests.Platform.Helm;

/// <summary>
/// Every setting the server reads (a "CXC_..." literal in its source) has a place in the chart, or is on the short list
/// below of settings the chart leaves out on purpose, each with its reason. A new setting fails this test until it has
/// one or the other. The chart's defaults for the settings it does give are ones the server takes.
/// </summary>
public sealed class HelmEnvironmentTests
{
    private static readonly Dictionary<string, string> NotSetByTheChart = new()
    {
        ["CXC_DEV_MODE"] = "the dev run and the tests only: it lets the server make its own secrets key",
        ["CXC_DEMO_API_KEY"] = "the demo tenant of eng/run.sh; extraEnv can still set it",
        ["CXC_SILO_PORT"] = "ignored on Kubernetes: UseKubernetesHosting listens on Orleans' default ports",
        ["CXC_GATEWAY_PORT"] = "ignored on Kubernetes, like CXC_SILO_PORT",
        ["CXC_ADVERTISED_IP"] = "ignored on Kubernetes: the silo's address is POD_IP",
        ["CXC_CLUSTER_TLS_DEV_DIR"] = "the dev run's own certificate; the chart gives CXC_CLUSTER_TLS_CERT instead",
    };

    [Fact]
    public void Every_variable_the_server_reads_has_a_place_in_the_chart()
    {
        var serverReads = ServerStringLiterals(@"""(CXC_[A-Z0-9_]+)""");
        Assert.Contains("CXC_POSTGRES", serverReads); // the scan itself works
        var chartSets = Templates().Values.SelectMany(t => EnvNamePattern.Matches(t).Select(m => m.Groups[1].Value)).ToHashSet();

        var missing = serverReads.Except(chartSets).Except(NotSetByTheChart.Keys).Order().ToList();
        Assert.True(missing.Count == 0, "The server reads these, and the chart neither sets them nor says why not: " + string.Join(", ", missing));
        // The list stays true: nothing on it is set after all, or no longer read.
        Assert.Empty(NotSetByTheChart.Keys.Intersect(chartSets));
        Assert.Empty(NotSetByTheChart.Keys.Except(serverReads));
    }

    [Fact]
    public void The_charts_defaults_are_settings_the_server_takes()
    {
        var values = Yaml("values.yaml")!;
        var trusted = string.Join(",", values["trustedProxies"]!.AsArray().Select(n => n!.GetValue<string>()));
        var settings = PlatformSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CXC_POSTGRES"] = "Host=127.0.0.1;Database=x",
            ["CXC_REDIS"] = "127.0.0.1:6379",
            ["CXC_SECRETS_KEY"] = Convert.ToBase64String(new byte[32]),
            ["CXC_TRUSTED_PROXIES"] = trusted,
            ["CXC_MAX_UPLOAD_MB"] = values["maxUploadMB"]!.ToString(),
            ["CXC_STARTUP_TIMEOUT_SECONDS"] = values["startupTimeoutSeconds"]!.ToString(),
        }).Build());
        Assert.Equal(values["trustedProxies"]!.AsArray().Count, settings.TrustedProxies!.Count);

        // The service id is the server's own default, so grain state survives a reinstall under another release name;
        // /metrics is private unless asked, as on the server.
        Assert.Equal(settings.ServiceId, values["orleans"]!["serviceId"]!.GetValue<string>());
        Assert.Equal(settings.MetricsPublic, values["metricsPublic"]!.GetValue<bool>());
        Assert.Equal(10L * 1024 * 1024 * 1024, settings.MaxUploadBytes); // values' maxUploadMB is the server's own limit
        Assert.Matches(@"default\s+""cxcontact""\s+\.Values\.orleans\.serviceId", Defines()["cxcontact.serviceId"]);
    }

    [Fact]
    public void One_value_sets_the_upload_limit_of_the_server_nginx_and_the_ingress()
    {
        var defines = Defines();
        Assert.Matches(@"add\s+\(int\s+\.Values\.maxUploadMB\)", defines["cxcontact.proxyBodyMB"]);
        Assert.Matches(@"-\s+name:\s*CXC_MAX_UPLOAD_MB\s*\n\s*value:\s*\{\{\s*int\s+\$\.Values\.maxUploadMB", Template("deployment.yaml"));
        Assert.Matches(@"client_max_body_size\s+\{\{\s*include\s+""cxcontact\.proxyBodyMB""", defines["cxcontact.nginxConf"]);
        Assert.Matches(@"proxy_request_buffering\s+off;", defines["cxcontact.nginxConf"]);
        var ingress = Template("ingress.yaml");
        Assert.Matches(@"""nginx\.ingress\.kubernetes\.io/proxy-body-size""\s+\(printf\s+""%sm""\s+\(include\s+""cxcontact\.proxyBodyMB""", ingress);
        Assert.Matches(@"""nginx\.ingress\.kubernetes\.io/proxy-request-buffering""\s+""off""", ingress);
        // The user's annotations are merged over the chart's, never dropped.
        Assert.Matches(@"mustMergeOverwrite\s+\$uploads\s+\(default\s+\(dict\)\s+\.Values\.ingress\.annotations\)", ingress);
    }

    [Fact]
    public void Nginx_keeps_the_scheme_an_ingress_forwarded_and_the_server_trusts_the_proxies()
    {
        var conf = Defines()["cxcontact.nginxConf"];
        Assert.DoesNotMatch(@"proxy_set_header\s+X-Forwarded-Proto\s+\$scheme", conf);
        Assert.Matches(@"map\s+\$http_x_forwarded_proto\s+\$cxc_forwarded_proto\s*\{[^}]*""""\s+\$scheme;", conf);
        Assert.Matches(@"proxy_set_header\s+X-Forwarded-Proto\s+\$cxc_forwarded_proto;", conf);
        Assert.Matches(@"-\s+name:\s*CXC_TRUSTED_PROXIES\s*\n\s*value:\s*\{\{\s*join\s+"",""\s+\.", Template("deployment.yaml"));
    }
}

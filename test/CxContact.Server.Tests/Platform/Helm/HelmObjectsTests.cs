using System.Text.RegularExpressions;
using CxContact.Server.Platform.Hosting;
using static CxContact.Server.Tests.Platform.Helm.HelmChart;

namespace CxContact.Server.Tests.Platform.Helm;

/// <summary>
/// The objects a platform engineer expects of the chart, and the settings that keep a rollout clean: disruption
/// budgets, network policies, the Secret's keys, the shutdown sequence, the migration Job's failure policy and deadline,
/// the helm test hook, kubeVersion and the PodMonitor.
/// </summary>
public sealed class HelmObjectsTests
{
    [Fact]
    public void Every_role_and_nginx_have_a_disruption_budget()
    {
        var pdb = Template("pdb.yaml");
        Assert.Matches(@"(?m)^apiVersion:\s*policy/v1\s*\n\s*kind:\s*PodDisruptionBudget\s*$", pdb);
        Assert.Matches(@"range\s+\$role\s*,\s*\$cfg\s*:=\s*\.Values\.roles", pdb);
        Assert.Matches(@"app\.kubernetes\.io/component:\s*\{\{\s*\$role\s*\}\}\s*(\{\{-? end|$)", pdb.TrimEnd() + "\n");
        Assert.Matches(@"maxUnavailable:\s*\{\{\s*\$\.Values\.podDisruptionBudget\.maxUnavailable", pdb);
        Assert.Matches(@"kind:\s*PodDisruptionBudget[\s\S]*component:\s*nginx", Template("nginx.yaml"));
        // With one pod at most unavailable, every role of the defaults keeps one running through a drain.
        var values = Yaml("values.yaml")!;
        foreach (var role in ServerRoles)
        {
            var cfg = values["roles"]![role]!;
            var replicas = cfg["autoscaling"] is { } a && a["enabled"]!.GetValue<bool>() ? a["minReplicas"]! : cfg["replicaCount"]!;
            Assert.True(replicas.GetValue<long>() >= 2, $"roles.{role} runs one pod by default: a drain stops it");
        }
    }

    [Fact]
    public void Only_this_releases_silos_reach_the_silo_ports_and_http_comes_from_the_proxies_and_monitoring()
    {
        var policy = Template("networkpolicy.yaml");
        var selector = Defines()["cxcontact.siloSelector"];
        var roles = Regex.Match(selector, @"values:\s*\[([^\]]*)\]").Groups[1].Value.Split(',', StringSplitOptions.TrimEntries);
        Assert.Equal(ServerRoles.Order(), roles.Order());
        Assert.Contains("include \"cxcontact.selectorLabels\"", selector); // this release's pods only

        // The silo and gateway ports, the ones the Deployment opens, from the silo selector alone.
        var deployment = Template("deployment.yaml");
        Assert.Matches(@"name:\s*silo\s*\n\s*containerPort:\s*11111", deployment);
        Assert.Matches(@"name:\s*gateway\s*\n\s*containerPort:\s*30000", deployment);
        Assert.Matches(@"podSelector:\s*\{\{-\s*include\s+""cxcontact\.siloSelector""[^\n]*\n\s*policyTypes:\s*\n\s*-\s*Ingress", policy);
        Assert.Matches(@"-\s*from:\s*\n\s*-\s*podSelector:\s*\n\s*\{\{-\s*include\s+""cxcontact\.siloSelector""[^\n]*\n\s*ports:\s*\n\s*-\s*port:\s*11111\s*\n\s*protocol:\s*TCP\s*\n\s*-\s*port:\s*30000\s*\n", policy);
        // HTTP from nginx and the test pod of the release, the ingress controllers, monitoring and the extra peers.
        var http = policy[policy.IndexOf("values: [nginx, test]", StringComparison.Ordinal)..];
        foreach (var peer in new[] { "ingressControllers", "monitoring", "extraFrom" })
            Assert.Contains($".Values.networkPolicy.{peer}", http[..http.IndexOf("port: 8080", StringComparison.Ordinal)]);
        Assert.Equal(3, Regex.Matches(policy, @"-\s*port:\s*\d+").Count(m => !m.Value.Contains("8080")) + 1); // 11111 and 30000 only, besides 8080s
        Assert.True(Yaml("values.yaml")!["networkPolicy"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void The_secret_carries_the_secrets_key_and_the_pods_read_it()
    {
        var data = Defines()["cxcontact.secretData"];
        Assert.Matches(@"(?m)^secretsKey:", data);
        Assert.Matches(@"include\s+""cxcontact\.secretData""", Template("secret.yaml"));
        Assert.Matches(@"-\s+name:\s*CXC_SECRETS_KEY\s*\n\s*valueFrom:\s*\n\s*secretKeyRef:\s*\n\s*name:\s*\{\{\s*\.secretName\s*\}\}\s*\n\s*key:\s*secretsKey", Defines()["cxcontact.connectionEnv"]);
    }

    [Fact]
    public void A_stopping_pod_drains_first_and_the_server_exits_before_it_is_killed()
    {
        var values = Yaml("values.yaml")!;
        var grace = values["terminationGracePeriodSeconds"]!.GetValue<long>();
        var preStop = values["preStopSleepSeconds"]!.GetValue<long>();
        Assert.True(preStop >= 5, "the preStop sleep gives endpoints time to drain");
        Assert.True(grace - preStop - 5 >= ShutdownDeadline.MinimumSeconds, "the server's own deadline fits after the preStop sleep");

        var timeout = Defines()["cxcontact.shutdownTimeoutSeconds"];
        Assert.Matches(@"sub\s+\(sub\s+\(int\s+\.Values\.terminationGracePeriodSeconds\)\s+\(int\s+\.Values\.preStopSleepSeconds\)\)\s+5", timeout);
        Assert.Matches(@"if\s+lt\s+\$left\s+5", timeout);
        Assert.Equal(5, ShutdownDeadline.MinimumSeconds); // the helper's floor is the server's
        Assert.Matches(@"-\s+name:\s*CXC_SHUTDOWN_TIMEOUT_SECONDS\s*\n\s*value:\s*\{\{\s*include\s+""cxcontact\.shutdownTimeoutSeconds""", Template("deployment.yaml"));
        Assert.Matches(@"preStop:\s*\n\s*sleep:\s*\n\s*seconds:\s*\{\{\s*\.Values\.preStopSleepSeconds", Defines()["cxcontact.preStop"]);
        foreach (var file in new[] { "deployment.yaml", "nginx.yaml" })
            Assert.Matches(@"include\s+""cxcontact\.preStop""", Template(file));
    }

    [Fact]
    public void The_migration_job_fails_at_once_on_what_a_retry_cannot_fix_and_within_helms_timeout()
    {
        var job = Template("migrate-job.yaml");
        var rule = Regex.Match(job, @"-\s*action:\s*FailJob\s*\n\s*onExitCodes:\s*\n\s*containerName:\s*(\S+)\s*\n\s*operator:\s*In\s*\n\s*values:\s*\[([^\]]*)\]");
        Assert.True(rule.Success, "migrate-job.yaml has no podFailurePolicy rule FailJob onExitCodes");
        Assert.Matches($@"-\s+name:\s*{rule.Groups[1].Value}\s*\n\s*image:", job);
        var codes = rule.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries).Select(int.Parse).Order().ToList();
        // The codes Program.cs returns for a bad setting and for a failed migration.
        var program = File.ReadAllText(Path.Combine(RepoRoot, "src", "CxContact.Server", "Program.cs"));
        var setting = int.Parse(Regex.Match(program, @"catch \(InvalidSettingException e\)\s*\{[\s\S]*?return (\d+);").Groups[1].Value);
        var migration = int.Parse(Regex.Match(program, @"catch \(MigrationException e\)\s*\{[\s\S]*?return (\d+);").Groups[1].Value);
        Assert.Equal(new[] { setting, migration }.Order(), codes);

        var migrations = Yaml("values.yaml")!["migrations"]!;
        Assert.True(migrations["activeDeadlineSeconds"]!.GetValue<long>() < 300, "the Job outlives helm's default --timeout of 5 minutes");
        Assert.Contains(".Values.migrations.extraEnv", job);
        Assert.Contains(".Values.migrations.podAnnotations", job);
    }

    [Fact]
    public void Helm_test_asks_the_api_for_readiness()
    {
        var test = Template("test-ready.yaml");
        Assert.Matches(@"helm\.sh/hook:\s*test\s*$", test.Split('\n').First(l => l.Contains("helm.sh/hook:")));
        Assert.Matches(@"http://\{\{\s*include\s+""cxcontact\.componentName""\s+\(dict\s+""ctx""\s+\.\s+""component""\s+""api""\)\s*\}\}:\{\{\s*\.Values\.service\.port\s*\}\}/health/ready", test);
        Assert.Contains("/health/ready", ServerStringLiterals(@"""(/health/ready)"""));
    }

    [Fact]
    public void Chart_yaml_states_the_kubernetes_versions_and_the_templates_survive_a_role_set_to_null()
    {
        var chart = File.ReadAllText(Path.Combine(ChartDir, "Chart.yaml"));
        var kube = Regex.Match(chart, @"(?m)^kubeVersion:\s*"">=1\.(\d+)\.0-0""\s*$");
        Assert.True(kube.Success, "Chart.yaml has no kubeVersion");
        Assert.True(int.Parse(kube.Groups[1].Value) >= 30, "the preStop sleep action needs Kubernetes 1.30");

        // A role set to null is gone from .Values.roles: index gives nil, which the HPA turns into an empty dict, and
        // every range over the roles skips it.
        Assert.Matches(@"\$cfg\s*:=\s*index\s+\$\.Values\.roles\s+\$role\s*\|\s*default\s+\(dict\)", Template("hpa.yaml"));
        foreach (var file in new[] { "deployment.yaml", "pdb.yaml", "NOTES.txt" })
            Assert.Matches(@"range\s+\$role\s*,\s*\$cfg\s*:=\s*\.Values\.roles\s*\}\}\s*\n\{\{-\s*(if\s+\$cfg\s*\}\}|if\s+not\s+\(has)", Template(file).Replace("\n  ", "\n"));
    }

    [Fact]
    public void The_pod_monitor_scrapes_metrics_and_cannot_be_left_without_a_key()
    {
        var monitor = Template("podmonitor.yaml");
        Assert.Matches(@"kind:\s*PodMonitor", monitor);
        Assert.Matches(@"port:\s*http\s*\n\s*path:\s*/metrics", monitor);
        Assert.Matches(@"if\s+and\s+\(ne\s+\(toString\s+\.Values\.metricsPublic\)\s+""true""\)\s+\(not\s+\$auth\.secretName\)\s*\}\}\s*\n\{\{-\s*fail", monitor);
    }
}

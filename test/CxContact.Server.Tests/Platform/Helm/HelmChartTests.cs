using System.Text.RegularExpressions;
using CxContact.Server.Platform.Hosting;
using Orleans.Hosting.Kubernetes;
using static CxContact.Server.Tests.Platform.Helm.HelmChart;

namespace CxContact.Server.Tests.Platform.Helm;

/// <summary>
/// Checks helm/cxcontact without rendering it (there is no helm here): the names the chart uses against the names
/// the server reads, and the templates against themselves. Plain text and regular expressions, no YAML parser.
/// </summary>
public sealed class HelmChartTests
{
    [Fact]
    public void Every_CXC_variable_in_the_chart_is_one_the_server_reads()
    {
        var serverReads = ServerStringLiterals(@"""(CXC_[A-Z0-9_]+)""");
        Assert.Contains("CXC_POSTGRES", serverReads); // the scan itself works

        var used = Templates().SelectMany(t => ChartVariablePattern.Matches(t.Value).Select(m => (File: t.Key, Name: m.Value))).ToList();
        Assert.NotEmpty(used);
        var unknown = used.Where(u => !serverReads.Contains(u.Name)).Select(u => $"{u.File}: {u.Name}").Distinct().ToList();
        Assert.True(unknown.Count == 0, "The chart uses CXC_ names the server never reads: " + string.Join(", ", unknown));
    }

    [Fact]
    public void The_silos_and_the_migration_job_get_every_variable_the_server_requires()
    {
        // PlatformSettings.Load reads the required ones through Required(config, "CXC_...", ...).
        var required = ServerStringLiterals(@"Required\(\s*config\s*,\s*""(CXC_[A-Z0-9_]+)""");
        Assert.Contains("CXC_POSTGRES", required);
        Assert.Contains("CXC_REDIS", required);
        // Required outside the dev run (PlatformSettings refuses to start without it), so the chart always sets it.
        required.Add("CXC_SECRETS_KEY");

        var defines = Defines();
        foreach (var file in new[] { "deployment.yaml", "migrate-job.yaml" })
        {
            var set = EnvNamePattern.Matches(WithIncludes(Template(file), defines)).Select(m => m.Groups[1].Value).ToHashSet();
            var missing = required.Where(r => !set.Contains(r)).ToList();
            Assert.True(missing.Count == 0, $"{file} does not set {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public void The_chart_deploys_exactly_the_five_server_roles()
    {
        var roles = ValuesPaths().Select(p => Regex.Match(p, @"^roles\.([^.]+)$")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ServerRoles.Order(), roles.Order());

        var parsed = roles.Select(SiloRolesParser.Parse).ToList();
        Assert.All(parsed, p => Assert.True(p != SiloRoles.None && p != SiloRoles.All && (p & (p - 1)) == 0, $"{p} is not one role"));
        Assert.Equal(SiloRoles.All, parsed.Aggregate(SiloRoles.None, (a, b) => a | b));
        Assert.Throws<InvalidSettingException>(() => SiloRolesParser.Parse("dialer")); // the parser does refuse

        // One Deployment per key of .Values.roles, whose CXC_ROLES is that key, and the template's own guard
        // list is the same five.
        var deployment = Template("deployment.yaml");
        Assert.Matches(@"\{\{-?\s*range\s+\$role\s*,\s*\$cfg\s*:=\s*\.Values\.roles\s*-?\}\}", deployment);
        Assert.Matches(@"-\s+name:\s*CXC_ROLES\s*\n\s*value:\s*\{\{\s*\$role\s*\|\s*quote\s*\}\}", deployment);
        var guard = Regex.Match(deployment, @"\$known\s*:=\s*list((?:\s+""[a-z]+"")+)");
        Assert.True(guard.Success, "deployment.yaml has no $known := list ... of roles");
        Assert.Equal(ServerRoles.Order(), Regex.Matches(guard.Groups[1].Value, @"""([a-z]+)""").Select(m => m.Groups[1].Value).Order());
    }

    [Fact]
    public void Only_compliance_and_messaging_have_an_autoscaler()
    {
        var autoscaled = WordList("cxcontact.autoscaledRoles");
        Assert.Equal(AutoscaledRoles.Order(), autoscaled.Order());

        var withHpa = Templates().Where(t => Regex.IsMatch(t.Value, @"^kind:\s*HorizontalPodAutoscaler\s*$", RegexOptions.Multiline)).Select(t => t.Key).ToList();
        Assert.Equal(new[] { "hpa.yaml" }, withHpa);
        var hpa = Template("hpa.yaml");
        Assert.Matches(@"(?m)^apiVersion:\s*autoscaling/v2\s*$", hpa);
        Assert.Matches(@"range\s+\$role\s*:=\s*splitList\s+"" ""\s+\(include\s+""cxcontact\.autoscaledRoles""", hpa);
        Assert.Matches(@"name:\s*cpu", hpa);
        // The Deployments leave replicas to the HPA only for these roles.
        Assert.Contains("include \"cxcontact.autoscaledRoles\"", Template("deployment.yaml"));

        var withSettings = ValuesPaths().Select(p => Regex.Match(p, @"^roles\.([^.]+)\.autoscaling$")).Where(m => m.Success).Select(m => m.Groups[1].Value);
        Assert.Equal(AutoscaledRoles.Order(), withSettings.Order());
    }

    [Fact]
    public void Probes_and_the_migration_hook_use_the_servers_paths_and_flag()
    {
        var probes = Regex.Matches(Template("deployment.yaml"), @"(\w+Probe):\s*\n\s*httpGet:\s*\n\s*path:\s*(\S+)")
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.Equal(new Dictionary<string, string>
        {
            ["startupProbe"] = "/health/startup",
            ["readinessProbe"] = "/health/ready",
            ["livenessProbe"] = "/health/live",
        }, probes);
        var served = ServerStringLiterals(@"""(/health/[a-z]+)""");
        Assert.All(probes.Values, path => Assert.Contains(path, served));

        var job = Template("migrate-job.yaml");
        Assert.Matches(@"(?m)^kind:\s*Job\s*$", job);
        Assert.Matches(@"(?m)helm\.sh/hook:\s*pre-install,pre-upgrade\s*$", job);
        Assert.Matches(@"args:\s*\n\s*-\s*--migrate-only\s*\n", job);
        Assert.Contains("--migrate-only", ServerStringLiterals(@"""(--migrate-only)"""));
    }

    [Fact]
    public void Silo_pods_carry_what_Orleans_kubernetes_hosting_reads()
    {
        var deployment = Template("deployment.yaml");
        foreach (var (variable, field) in new[]
                 {
                     (KubernetesHostingOptions.PodNameEnvironmentVariable, "metadata.name"),
                     (KubernetesHostingOptions.PodNamespaceEnvironmentVariable, "metadata.namespace"),
                     (KubernetesHostingOptions.PodIPEnvironmentVariable, "status.podIP"),
                 })
        {
            Assert.Matches($@"-\s+name:\s*{variable}\s*\n\s*valueFrom:\s*\n\s*fieldRef:\s*\n\s*fieldPath:\s*{Regex.Escape(field)}\s*\n", deployment);
            Assert.Contains(variable, ServerStringLiterals($@"""({variable})""")); // and the server checks it to switch on
        }

        // The pod labels carry the same ids as CXC_SERVICE_ID / CXC_CLUSTER_ID: the cluster agent selects its pods
        // with "orleans/serviceId=<ServiceId>,orleans/clusterId=<ClusterId>" from ClusterOptions.
        var labels = Defines()["cxcontact.orleansLabels"];
        Assert.Matches($@"{Regex.Escape(KubernetesHostingOptions.ServiceIdLabel)}:\s*\{{\{{\s*include\s+""cxcontact\.serviceId""", labels);
        Assert.Matches($@"{Regex.Escape(KubernetesHostingOptions.ClusterIdLabel)}:\s*\{{\{{\s*include\s+""cxcontact\.clusterId""", labels);
        Assert.Matches(@"name:\s*CXC_SERVICE_ID\s*\n\s*value:\s*\{\{\s*include\s+""cxcontact\.serviceId""", deployment);
        Assert.Matches(@"name:\s*CXC_CLUSTER_ID\s*\n\s*value:\s*\{\{\s*include\s+""cxcontact\.clusterId""", deployment);

        // Only silo pods carry the labels (the agent reports any other pod with them as a pod without a silo), and
        // the chart leaves ORLEANS_SERVICE_ID / ORLEANS_CLUSTER_ID unset, which would override the CXC_ ids.
        var labelled = Templates().Where(t => t.Value.Contains("include \"cxcontact.orleansLabels\"")).Select(t => t.Key).ToList();
        Assert.Equal(new[] { "deployment.yaml" }, labelled);
        Assert.All(Templates(), t =>
        {
            Assert.DoesNotContain(KubernetesHostingOptions.ServiceIdEnvironmentVariable, t.Value);
            Assert.DoesNotContain(KubernetesHostingOptions.ClusterIdEnvironmentVariable, t.Value);
        });

        // The agent reads and patches its own pod, and lists and watches the cluster's pods; it deletes pods only with
        // DeleteDefunctSiloPods, which the server never turns on, so the Role does not grant delete.
        var verbs = Regex.Match(Template("rbac.yaml"), @"resources:\s*\[""pods""\]\s*\n\s*verbs:\s*\[([^\]]*)\]");
        Assert.True(verbs.Success, "rbac.yaml has no rule on pods");
        var granted = Regex.Matches(verbs.Groups[1].Value, @"""(\w+)""").Select(m => m.Groups[1].Value).Order();
        Assert.Equal(new[] { "get", "list", "patch", "watch" }, granted);
        Assert.DoesNotContain(nameof(KubernetesHostingOptions.DeleteDefunctSiloPods), string.Concat(ServerSources().Select(File.ReadAllText)));
    }

    [Fact]
    public void Templates_are_well_formed_and_refer_only_to_what_exists()
    {
        var templates = Templates();
        var defines = Defines();
        var valuesPaths = ValuesPaths();

        foreach (var (file, text) in templates)
        {
            Assert.True(Regex.Matches(text, @"\{\{").Count == Regex.Matches(text, @"\}\}").Count, $"{file}: unbalanced {{{{ and }}}}");
            AssertBlocksBalanced(file, text);

            foreach (Match m in IncludePattern.Matches(text))
                Assert.True(defines.ContainsKey(m.Groups[1].Value), $"{file}: include \"{m.Groups[1].Value}\" is not defined in _helpers.tpl");

            // Literal .Values.a.b paths, and $cfg.a.b paths of one role ("range $role, $cfg := .Values.roles", or the
            // autoscaled roles' "$cfg := index $.Values.roles $role"), which every role, or every autoscaled role for
            // autoscaling, must have. Not checked: what is reached through index or dig, or relative to a with/range
            // block (.host inside "range .Values.ingress.hosts").
            foreach (Match m in ValuesPathPattern.Matches(text))
            {
                var path = m.Groups[1].Value[1..];
                Assert.True(valuesPaths.Contains(path), $"{file}: .Values.{path} is not in values.yaml");
            }
            foreach (Match m in Regex.Matches(text, @"\$cfg((?:\.[A-Za-z_][A-Za-z0-9_]*)+)"))
            {
                var path = m.Groups[1].Value[1..];
                var roles = path.StartsWith("autoscaling") ? AutoscaledRoles : ServerRoles;
                var missing = roles.Where(r => !valuesPaths.Contains($"roles.{r}.{path}")).ToList();
                Assert.True(missing.Count == 0, $"{file}: $cfg.{path} is not in values.yaml for roles {string.Join(", ", missing)}");
            }
        }

        // And the reverse for helpers: a define nobody includes is dead code.
        var included = templates.Values.SelectMany(t => IncludePattern.Matches(t).Select(m => m.Groups[1].Value)).ToHashSet();
        Assert.All(defines.Keys, d => Assert.True(included.Contains(d), $"_helpers.tpl defines \"{d}\" but nothing includes it"));
    }

    private static void AssertBlocksBalanced(string file, string text)
    {
        var depth = 0;
        foreach (Match action in ActionPattern.Matches(text))
        {
            var keyword = Keyword(action.Groups[1].Value);
            if (keyword is "if" or "range" or "with" or "block" or "define") depth++;
            else if (keyword == "end")
            {
                depth--;
                Assert.True(depth >= 0, $"{file}: {{{{ end }}}} at offset {action.Index} closes nothing");
            }
        }
        Assert.True(depth == 0, $"{file}: {depth} if/range/with/define block(s) without {{{{ end }}}}");
    }
}

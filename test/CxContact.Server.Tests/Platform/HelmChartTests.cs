using System.Text.RegularExpressions;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Platform.Hosting;
using Orleans.Hosting.Kubernetes;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// Checks helm/cxcontact without rendering it (there is no helm here): the names the chart uses against the names
/// the server reads, and the templates against themselves. Plain text and regular expressions, no YAML parser.
/// </summary>
public sealed class HelmChartTests
{
    private static readonly string[] ServerRoles = ["api", "compliance", "campaign", "scheduler", "messaging"];
    private static readonly string[] AutoscaledRoles = ["compliance", "messaging"];

    private static readonly string RepoRoot = RepoPaths.Root;
    private static readonly string ChartDir = Path.Combine(RepoRoot, "helm", "cxcontact");

    // A template action, {{ ... }} with or without trim markers; comments included.
    private static readonly Regex ActionPattern = new(@"\{\{(.*?)\}\}", RegexOptions.Singleline);
    private static readonly Regex IncludePattern = new(@"\b(?:include|template)\s+""([^""]+)""");
    private static readonly Regex ValuesPathPattern = new(@"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)");
    private static readonly Regex ChartVariablePattern = new(@"\bCXC_[A-Z0-9_]+\b");
    private static readonly Regex EnvNamePattern = new(@"-\s+name:\s*(CXC_[A-Z0-9_]+)\s*$", RegexOptions.Multiline);
    private static readonly Regex ValuesKeyLine = new(@"^([A-Za-z0-9_-]+):(?:\s|$)");

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
        var autoscaled = Defines()["cxcontact.autoscaledRoles"].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
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

        // The agent reads and patches its own pod, and lists and watches the cluster's pods.
        var verbs = Regex.Match(Template("rbac.yaml"), @"resources:\s*\[""pods""\]\s*\n\s*verbs:\s*\[([^\]]*)\]");
        Assert.True(verbs.Success, "rbac.yaml has no rule on pods");
        var granted = Regex.Matches(verbs.Groups[1].Value, @"""(\w+)""").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "patch", "delete" }, granted);
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

            // Only literal .Values.a.b paths are checked. Not checked: what is reached through a variable
            // ($cfg.autoscaling.minReplicas inside "range $role, $cfg := .Values.roles"), through index or dig, or
            // relative to a with/range block (.host inside "range .Values.ingress.hosts").
            foreach (Match m in ValuesPathPattern.Matches(text))
            {
                var path = m.Groups[1].Value[1..];
                Assert.True(valuesPaths.Contains(path), $"{file}: .Values.{path} is not in values.yaml");
            }
        }

        // And the reverse for helpers: a define nobody includes is dead code.
        var included = templates.Values.SelectMany(t => IncludePattern.Matches(t).Select(m => m.Groups[1].Value)).ToHashSet();
        Assert.All(defines.Keys, d => Assert.True(included.Contains(d), $"_helpers.tpl defines \"{d}\" but nothing includes it"));
    }

    // ---- the chart as text ----

    private static Dictionary<string, string> Templates()
    {
        var dir = Path.Combine(ChartDir, "templates");
        Assert.True(Directory.Exists(dir), $"{dir} is missing");
        return Directory.EnumerateFiles(dir)
            .Where(f => f.EndsWith(".yaml") || f.EndsWith(".tpl") || f.EndsWith(".txt"))
            .ToDictionary(f => Path.GetFileName(f), f => File.ReadAllText(f));
    }

    private static string Template(string name) => File.ReadAllText(Path.Combine(ChartDir, "templates", name));

    /// <summary>The body of every {{ define "name" }} in _helpers.tpl, found by walking the template's blocks.</summary>
    private static Dictionary<string, string> Defines()
    {
        var text = Template("_helpers.tpl");
        var bodies = new Dictionary<string, string>();
        var open = new Stack<(string Keyword, string? Name, int BodyStart)>();
        foreach (Match action in ActionPattern.Matches(text))
        {
            var keyword = Keyword(action.Groups[1].Value);
            if (keyword is "if" or "range" or "with" or "block" or "define")
            {
                var name = keyword == "define" ? Regex.Match(action.Groups[1].Value, @"define\s+""([^""]+)""").Groups[1].Value : null;
                open.Push((keyword, name, action.Index + action.Length));
            }
            else if (keyword == "end")
            {
                Assert.True(open.Count > 0, $"_helpers.tpl: {{{{ end }}}} at {action.Index} closes nothing");
                var (opened, defined, start) = open.Pop();
                if (opened == "define") bodies[defined!] = text[start..action.Index];
            }
        }
        Assert.NotEmpty(bodies);
        return bodies;
    }

    /// <summary>The text with the bodies of the helpers it includes appended, transitively.</summary>
    private static string WithIncludes(string text, Dictionary<string, string> defines)
    {
        var seen = new HashSet<string>();
        var all = text;
        var queue = new Queue<string>(IncludePattern.Matches(text).Select(m => m.Groups[1].Value));
        while (queue.TryDequeue(out var name))
        {
            if (!seen.Add(name) || !defines.TryGetValue(name, out var body)) continue;
            all += "\n" + body;
            foreach (Match m in IncludePattern.Matches(body)) queue.Enqueue(m.Groups[1].Value);
        }
        return all;
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

    /// <summary>The first word of an action ("if", "end", "else", ...), or "" for a comment or an expression.</summary>
    private static string Keyword(string action)
    {
        var body = action.Trim().TrimStart('-').TrimEnd('-').Trim();
        if (body.StartsWith("/*")) return "";
        return Regex.Match(body, @"^([a-z]+)\b").Groups[1].Value;
    }

    /// <summary>
    /// values.yaml as dotted paths of its mapping keys ("roles.api.replicaCount"). Indentation only: keys inside
    /// list items are skipped (a list is a leaf), and any line that is neither a key, a comment nor a list item
    /// fails the test rather than being misread (so no block scalars in values.yaml).
    /// </summary>
    private static HashSet<string> ValuesPaths()
    {
        var paths = new HashSet<string>();
        var stack = new List<(int Indent, string Key)>();
        int? listIndent = null;
        var number = 0;
        foreach (var raw in File.ReadAllLines(Path.Combine(ChartDir, "values.yaml")))
        {
            number++;
            var trimmed = raw.TrimStart();
            if (trimmed.Length == 0 || trimmed.StartsWith('#')) continue;
            var indent = raw.Length - trimmed.Length;
            if (listIndent is { } li)
            {
                if (indent > li || (indent == li && trimmed.StartsWith('-'))) continue;
                listIndent = null;
            }
            if (trimmed.StartsWith('-'))
            {
                listIndent = indent;
                continue;
            }
            var key = ValuesKeyLine.Match(trimmed);
            Assert.True(key.Success, $"values.yaml:{number}: not a key, a comment or a list item: {raw}");
            while (stack.Count > 0 && stack[^1].Indent >= indent) stack.RemoveAt(stack.Count - 1);
            stack.Add((indent, key.Groups[1].Value));
            paths.Add(string.Join('.', stack.Select(s => s.Key)));
        }
        return paths;
    }

    // ---- the server as text ----

    /// <summary>Group 1 of every match of the pattern in src/CxContact.Server/**/*.cs (not bin/ or obj/).</summary>
    private static HashSet<string> ServerStringLiterals(string pattern)
    {
        var src = Path.Combine(RepoRoot, "src", "CxContact.Server");
        var sep = Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{sep}bin{sep}") && !f.Contains($"{sep}obj{sep}"))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), pattern).Select(m => m.Groups[1].Value))
            .ToHashSet();
    }
}

using System.Reflection;
using System.Text.RegularExpressions;
using CxContact.Server.Jobs;
using CxContact.Server.Lists.Import;
using CxContact.Server.Platform.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static CxContact.Server.Tests.Platform.Helm.HelmChart;

namespace CxContact.Server.Tests.Platform.Helm;

/// <summary>
/// Which roles mount the landing volume, derived from the server rather than kept by hand. For each role, the services
/// Program.cs registers are registered as that role would, and everything the role runs is followed through its
/// constructor and handler parameters: hosted services, Hangfire jobs where the role runs Hangfire's server, API
/// handlers on the api role, and grains placed on the role. A role whose code reaches <see cref="LandingDirectory"/>
/// reads or writes landing files, so it must mount the shared volume and get CXC_LANDING_DIR.
/// </summary>
public sealed class HelmLandingVolumeTests
{
    private static readonly Assembly Server = typeof(LandingDirectory).Assembly;

    [Fact]
    public void The_chart_mounts_the_landing_volume_on_exactly_the_roles_whose_code_uses_it()
    {
        var derived = ServerRoles.Where(r => Reaches(r, typeof(LandingDirectory))).Order().ToList();
        // The analysis finds what the issue found by reading: uploads (api), imports (campaign), scheduled SFTP pulls
        // and exports (scheduler). A walk that found none would pass nothing.
        Assert.Contains("scheduler", derived);
        Assert.Contains("api", derived);
        Assert.Equal(derived, WordList("cxcontact.landingRoles").Order().ToList());
    }

    [Fact]
    public void The_analysis_tells_roles_apart()
    {
        // The messaging role sends SMS and email and never touches a file; the analysis must not see everything everywhere.
        Assert.False(Reaches("messaging", typeof(LandingDirectory)));
        Assert.True(Reaches("scheduler", typeof(CxContact.Server.Scheduling.ScheduleActions)));
        Assert.False(Reaches("api", typeof(CxContact.Server.Scheduling.ScheduledRunJob)));
    }

    [Fact]
    public void Every_landing_role_gets_the_volume_and_CXC_LANDING_DIR_and_no_other_role_does()
    {
        var deployment = Template("deployment.yaml");
        Assert.Matches(@"\$landingRoles\s*:=\s*splitList\s+"" ""\s+\(include\s+""cxcontact\.landingRoles""", deployment);
        Assert.Matches(@"\$landing\s*:=\s*has\s+\$role\s+\$landingRoles", deployment);
        // The env var, the mount and the volume each sit inside {{ if $landing }} and nowhere else.
        foreach (var needle in new[] { @"-\s+name:\s*CXC_LANDING_DIR", @"-\s+name:\s*landing\s*\n\s*mountPath:", @"include\s+""cxcontact\.landingVolume""" })
        {
            var at = Regex.Matches(deployment, needle);
            Assert.True(at.Count == 1, $"deployment.yaml has {at.Count} of {needle}");
            Assert.Equal("$landing", EnclosingIf(deployment, at[0].Index));
        }
        Assert.Matches(@"-\s+name:\s*CXC_LANDING_DIR\s*\n\s*value:\s*\{\{\s*\$\.Values\.landing\.mountPath", deployment);
        Assert.Matches(@"-\s+name:\s*landing\s*\n\s*mountPath:\s*\{\{\s*\$\.Values\.landing\.mountPath", deployment);

        // The volume is the shared claim, or each pod's own emptyDir when asked for.
        var volume = Defines()["cxcontact.landingVolume"];
        Assert.Contains("persistentVolumeClaim:", volume);
        Assert.Contains("emptyDir:", volume);
        var claim = Template("landing-pvc.yaml");
        Assert.Contains("toYaml .Values.landing.accessModes", claim);
        Assert.Contains("storageClassName", claim);
    }

    // ---- the server's roles, followed through its code ----

    private static bool Reaches(string role, Type target) => Closure(role).Contains(target);

    private static HashSet<Type> Closure(string role)
    {
        var services = Registrations(role);
        var implementations = services.GroupBy(d => d.ServiceType).ToDictionary(g => g.Key, g => g.Select(Implementation).OfType<Type>().ToList());
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>();
        void Visit(Type t)
        {
            foreach (var type in Expand(t))
            {
                if (!seen.Add(type)) continue;
                queue.Enqueue(type);
                if (implementations.TryGetValue(type, out var impls)) foreach (var impl in impls) Visit(impl);
            }
        }
        foreach (var entry in EntryPoints(role, services)) Visit(entry);
        foreach (var method in role == "api" ? EndpointHandlers() : [])
            foreach (var p in method.GetParameters()) Visit(p.ParameterType);
        while (queue.TryDequeue(out var type))
        {
            if (type.Assembly != Server) continue;
            foreach (var ctor in type.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                foreach (var p in ctor.GetParameters()) Visit(p.ParameterType);
        }
        return seen;
    }

    /// <summary>A type and its generic arguments (ILogger&lt;T&gt;, IEnumerable&lt;T&gt;, Lazy&lt;T&gt;...).</summary>
    private static IEnumerable<Type> Expand(Type t)
    {
        yield return t;
        if (t.IsGenericType) foreach (var a in t.GetGenericArguments().SelectMany(Expand)) yield return a;
        if (t.IsArray) foreach (var e in Expand(t.GetElementType()!)) yield return e;
    }

    private static Type? Implementation(ServiceDescriptor d) =>
        d.IsKeyedService ? d.KeyedImplementationType ?? d.KeyedImplementationFactory?.Method.ReturnType ?? d.KeyedImplementationInstance?.GetType()
            : d.ImplementationType ?? d.ImplementationFactory?.Method.ReturnType ?? d.ImplementationInstance?.GetType();

    /// <summary>What a silo of this role runs by itself: hosted services, Hangfire's jobs where it runs Hangfire's server, and its grains.</summary>
    private static IEnumerable<Type> EntryPoints(string role, IServiceCollection services)
    {
        var hosted = services.Where(d => d.ServiceType == typeof(IHostedService)).Select(Implementation).OfType<Type>().ToList();
        Assert.NotEmpty(hosted);
        foreach (var h in hosted) yield return h;
        if (hosted.Any(h => h.Assembly.GetName().Name!.StartsWith("Hangfire")))
            foreach (var job in HangfireJobTypes()) yield return job;
        foreach (var grain in Server.GetTypes().Where(t => t.GetCustomAttributesData()
                     .Any(a => a.AttributeType == typeof(SiloRolePlacementAttribute) && (string?)a.ConstructorArguments[0].Value == role)))
            yield return grain;
    }

    /// <summary>Types the server hands to Hangfire (Enqueue&lt;T&gt;, Schedule&lt;T&gt;, AddOrUpdate&lt;T&gt;): they run where Hangfire's server runs.</summary>
    private static List<Type> HangfireJobTypes()
    {
        var names = ServerStringLiterals(@"\b(?:Enqueue|Schedule|AddOrUpdate)<(\w+)>\s*\(");
        var types = Server.GetTypes().Where(t => names.Contains(t.Name)).ToList();
        Assert.NotEmpty(types);
        return types;
    }

    /// <summary>The API's handlers, on the api role only: every method of the endpoint classes (*Api), lambdas included.</summary>
    private static IEnumerable<MethodInfo> EndpointHandlers()
    {
        var apis = Server.GetTypes().Where(t => t.Name.EndsWith("Api") && t.IsAbstract && t.IsSealed).ToList(); // static classes
        Assert.Contains(typeof(ImportsApi), apis);
        const BindingFlags all = BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        return apis.SelectMany(t => new[] { t }.Concat(t.GetNestedTypes(BindingFlags.NonPublic | BindingFlags.Public)))
            .SelectMany(t => t.GetMethods(all));
    }

    /// <summary>The services a silo of this role registers: each services.AddCx...(...) call of Program.cs, in order.</summary>
    private static ServiceCollection Registrations(string role)
    {
        var settings = PlatformSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CXC_POSTGRES"] = "Host=127.0.0.1;Database=x",
            ["CXC_REDIS"] = "127.0.0.1:6379",
            ["CXC_DEV_MODE"] = "1",
            ["CXC_ROLES"] = role,
        }).Build());
        var services = new ServiceCollection();
        var program = File.ReadAllText(Path.Combine(RepoRoot, "src", "CxContact.Server", "Program.cs"));
        var calls = Regex.Matches(program, @"(?m)^services\.(AddCx\w+)\((\w*)\);").ToList();
        Assert.True(calls.Count >= 10, "Program.cs: the services.AddCx...() calls were not found");
        foreach (var call in calls)
        {
            var method = Server.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
                .Single(m => m.Name == call.Groups[1].Value && m.GetParameters().FirstOrDefault()?.ParameterType == typeof(IServiceCollection));
            method.Invoke(null, method.GetParameters().Length == 1 ? [services] : [services, settings]);
        }
        return services;
    }

    /// <summary>The condition of the innermost {{ if ... }} around an offset of a template.</summary>
    private static string EnclosingIf(string text, int offset)
    {
        var open = new Stack<string>();
        foreach (Match action in ActionPattern.Matches(text[..offset]))
        {
            var body = action.Groups[1].Value.Trim().TrimStart('-').TrimEnd('-').Trim();
            var keyword = Keyword(action.Groups[1].Value);
            if (keyword is "if" or "range" or "with" or "define" or "block") open.Push(keyword == "if" ? body[2..].Trim() : keyword);
            else if (keyword == "end") open.Pop();
            else if (keyword == "else" && open.Count > 0) { open.Pop(); open.Push("else"); }
        }
        return open.Count > 0 ? open.Peek() : "";
    }
}

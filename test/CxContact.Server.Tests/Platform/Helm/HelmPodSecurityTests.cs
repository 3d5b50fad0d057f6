using System.Text.RegularExpressions;
using static CxContact.Server.Tests.Platform.Helm.HelmChart;

namespace CxContact.Server.Tests.Platform.Helm;

/// <summary>
/// Every pod the chart makes passes the "restricted" Pod Security level: each pod's securityContext and each
/// container's go through the chart's two helpers, which set the restricted fields over whatever values say, and no
/// template asks for anything the level forbids.
/// </summary>
public sealed class HelmPodSecurityTests
{
    [Fact]
    public void The_helpers_set_the_restricted_fields_over_the_values()
    {
        var defines = Defines();
        var pod = defines["cxcontact.podSecurityContext"];
        Assert.Matches(@"""runAsNonRoot""\s+true", pod);
        Assert.Matches(@"""seccompProfile""\s+\(dict\s+""type""\s+""RuntimeDefault""\)", pod);
        // mustMergeOverwrite: the later map wins, so the restricted fields overwrite the values', not the reverse.
        Assert.Matches(@"mustMergeOverwrite\s+\(deepCopy\s+\(default\s+\(dict\)\s+\.\)\)\s+\$restricted", pod);

        var container = defines["cxcontact.containerSecurityContext"];
        Assert.Matches(@"""allowPrivilegeEscalation""\s+false", container);
        Assert.Matches(@"""privileged""\s+false", container);
        Assert.Matches(@"set\s+\$merged\s+""capabilities""\s+\(dict\s+""drop""\s+\(list\s+""ALL""\)\)", container);
        Assert.Matches(@"mustMergeOverwrite\s+\(deepCopy\s+\(default\s+\(dict\)\s+\.\)\)\s+\$restricted", container);
    }

    [Fact]
    public void Every_pod_and_every_container_uses_them()
    {
        var pods = PodTemplates();
        Assert.Equal(new[] { "deployment.yaml", "migrate-job.yaml", "nginx.yaml", "test-ready.yaml" }, pods.Keys.Order());
        foreach (var (file, text) in pods)
        {
            var podContexts = Regex.Matches(text, @"(?m)^\s*securityContext:\s*\n\s*\{\{-?\s*include\s+""cxcontact\.podSecurityContext""").Count;
            var containerContexts = Regex.Matches(text, @"(?m)^\s*securityContext:\s*\n\s*\{\{-?\s*include\s+""cxcontact\.containerSecurityContext""").Count;
            var containers = Regex.Matches(text, @"(?m)^\s*image:\s").Count;
            var allContexts = Regex.Matches(text, @"(?m)^\s*securityContext:").Count;
            Assert.True(podContexts == 1, $"{file}: {podContexts} pod securityContext(s) from the helper");
            Assert.True(containerContexts == containers, $"{file}: {containers} container(s), {containerContexts} with the helper's securityContext");
            Assert.True(allContexts == podContexts + containerContexts, $"{file}: a securityContext that is not the helper's");
            Assert.DoesNotContain("initContainers", text);
        }
    }

    [Fact]
    public void No_template_asks_for_what_the_level_forbids()
    {
        foreach (var (file, text) in Templates())
            foreach (var forbidden in new[] { @"\bhostPath\s*:", @"\bhostNetwork\s*:", @"\bhostPID\s*:", @"\bhostIPC\s*:", @"\bhostPort\s*:", @"privileged:\s*true", @"\bprocMount\s*:", @"NET_RAW|SYS_ADMIN|\badd\s*:" })
                Assert.False(Regex.IsMatch(text, forbidden), $"{file} has {forbidden}");
    }

    [Fact]
    public void Every_pod_runs_as_a_user_other_than_root_with_a_read_only_root()
    {
        var values = Yaml("values.yaml")!;
        Assert.Equal(1654, values["podSecurityContext"]!["runAsUser"]!.GetValue<long>()); // the image's "app" user (Dockerfile: USER 1654)
        Assert.Contains("USER 1654", File.ReadAllText(Path.Combine(RepoRoot, "Dockerfile")));
        Assert.Equal(1654, values["podSecurityContext"]!["fsGroup"]!.GetValue<long>()); // the landing volume is writable by it
        Assert.Equal(101, values["nginx"]!["podSecurityContext"]!["runAsUser"]!.GetValue<long>());
        Assert.Contains("nginx-unprivileged", values["nginx"]!["image"]!["repository"]!.GetValue<string>());
        Assert.True(values["securityContext"]!["readOnlyRootFilesystem"]!.GetValue<bool>());
        Assert.Matches(@"include\s+""cxcontact\.podSecurityContext""\s+\(dict\s+""runAsUser""\s+65534", Template("test-ready.yaml"));
        // A read-only root needs a writable /tmp in every pod of the server and of nginx.
        foreach (var file in new[] { "deployment.yaml", "migrate-job.yaml", "nginx.yaml" })
            Assert.Matches(@"-\s+name:\s*tmp\s*\n\s*mountPath:\s*/tmp", Template(file));
    }
}

using CxContact.Server.Sftp;

namespace CxContact.Server.Tests.Sftp;

/// <summary>Fingerprints as users paste them, and remote paths confined to the connection's base path.</summary>
public sealed class SftpRulesTests
{
    private const string Fp = "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8";

    [Theory]
    [InlineData(Fp)]
    [InlineData(Fp + "=")]
    [InlineData("  " + Fp + "  ")]
    [InlineData("256 " + Fp + " root@sftp.example.com (ED25519)")]
    [InlineData("sha256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8")]
    public void A_fingerprint_is_read_the_way_ssh_keygen_prints_it(string pasted)
    {
        Assert.Equal(Fp, HostKeyFingerprint.Normalize(pasted, out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48", "MD5")]
    [InlineData("16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48", "MD5")]
    [InlineData("nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8", "must start with")]
    [InlineData("SHA256:tooshort", "43 base64 characters")]
    [InlineData("SHA256:not*base64*at*all*nThbg6kXUpJWGl7E1IGOCspRom", "43 base64 characters")]
    public void A_bad_fingerprint_says_what_is_wrong(string? pasted, string expected)
    {
        Assert.Null(HostKeyFingerprint.Normalize(pasted, out var problem));
        Assert.Contains(expected, problem);
    }

    [Theory]
    [InlineData(null, "in/contacts.csv", "in/contacts.csv")]
    [InlineData("/data", "in/contacts.csv", "/data/in/contacts.csv")]
    [InlineData("/data/", "contacts.csv", "/data/contacts.csv")]
    [InlineData("/", "contacts.csv", "/contacts.csv")]
    [InlineData("/data", "/data/in/contacts.csv", "/data/in/contacts.csv")]
    [InlineData(null, "/in/contacts.csv", "/in/contacts.csv")]
    [InlineData("/data", "a..b.csv", "/data/a..b.csv")]
    public void Relative_paths_join_the_base_path(string? basePath, string remote, string expected) =>
        Assert.Equal(expected, SftpRemotePath.Join(basePath, remote));

    [Theory]
    [InlineData("/data", "../etc/passwd")]
    [InlineData("/data", "in/../../etc/passwd")]
    [InlineData("/data", "/etc/passwd")]
    [InlineData("/data", "/database/x.csv")]
    [InlineData(null, "/in/../etc/passwd")]
    [InlineData(null, " ")]
    [InlineData(null, "in/\0x")]
    public void Paths_that_climb_or_leave_the_base_path_are_refused(string? basePath, string remote)
    {
        var e = Assert.Throws<SftpFetchException>(() => SftpRemotePath.Join(basePath, remote));
        Assert.Equal(SftpFailure.InvalidPath, e.Failure);
        Assert.False(e.IsTransient);
    }
}

namespace CxContact.Server.Jobs;

/// <summary>What the job framework reads of any import job's row (list_imports, suppression_imports).</summary>
public interface IImportJob
{
    Guid TenantId { get; }
    Guid ImportId { get; }
    Guid ListId { get; }
    string SpecJson { get; }
    /// <summary>Where the file waits in the landing directory (an SFTP pull writes it there first).</summary>
    string FilePath { get; }
    /// <summary>"upload" or "sftp".</summary>
    string Source { get; }
    Guid? SftpConnectionId { get; }
    string? RemotePath { get; }
    int Attempts { get; }
    string? Error { get; }
}

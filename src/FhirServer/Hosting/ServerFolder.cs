namespace FhirMh.FhirServer.Hosting;

/// <summary>
/// Where a folder setting such as <c>Validation:Profiles</c> or <c>Seeding:Folder</c> points: the
/// build copies the project's folders beside the server, so a relative path is looked up there
/// first and then under the content root (a server run from its project folder).
/// </summary>
internal static class ServerFolder
{
    public static string Locate(string path, IHostEnvironment environment) =>
        Path.IsPathRooted(path) ? path
        : Directory.Exists(Path.Combine(AppContext.BaseDirectory, path)) ? Path.Combine(AppContext.BaseDirectory, path)
        : Path.Combine(environment.ContentRootPath, path);
}

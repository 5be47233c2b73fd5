# The x0tta6bl4 mesh API. Build from the repository root: docker build -f deploy/api.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ServiceDefaults/ src/ServiceDefaults/
COPY src/Api/ src/Api/
RUN dotnet publish src/Api/X0tta6bl4.Ops.Api.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "X0tta6bl4.Ops.Api.dll"]

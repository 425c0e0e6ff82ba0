@REM Runs the Maven release this project is built with, from the distribution kept in .mvn\wrapper,
@REM so a fresh machine needs only a JDK 17+. It is unpacked once into %USERPROFILE%\.m2\wrapper\dists.
@echo off
setlocal
set MAVEN_VERSION=3.9.12
set BASE_DIR=%~dp0
set DISTS=%USERPROFILE%\.m2\wrapper\dists
if not "%MAVEN_USER_HOME%"=="" set DISTS=%MAVEN_USER_HOME%\wrapper\dists
set MAVEN_HOME=%DISTS%\apache-maven-%MAVEN_VERSION%
if not exist "%MAVEN_HOME%\bin\m2.conf" (
  powershell -NoProfile -ExecutionPolicy Bypass -Command "Expand-Archive -Force -Path '%BASE_DIR%.mvn\wrapper\apache-maven-%MAVEN_VERSION%-bin.zip' -DestinationPath '%DISTS%'"
  if errorlevel 1 exit /b 1
)
"%MAVEN_HOME%\bin\mvn.cmd" %*

@echo off
rem 硬件检查 Hardware check: lists the cameras, then takes a test shot with the camera set in
rem kiosk.toml and saves it as test-shot.jpg beside tucai.exe. Double-click it.
chcp 65001 >nul
cd /d "%~dp0"
echo === 摄像头 Cameras ===
start "" /b /wait tucai.exe cameras
echo.
echo === 试拍 Test shot (test-shot.jpg) ===
start "" /b /wait tucai.exe cameras --shot test-shot.jpg
if exist test-shot.jpg start "" test-shot.jpg
echo.
echo 如果看到摄像头名称并打开了试拍照片，硬件正常。 If the camera is listed and the test shot opened, the hardware works.
pause

# The dashboard's speed (issue 12): chart redraw with 100k points offscreen, the model's event
# rate, and the event loop's latency while the 1M-context ramp runs. Needs the GUI build.
if(DDSIM_BUILD_GUI)
  add_executable(gui_bench ${CMAKE_CURRENT_SOURCE_DIR}/gui_bench.cc)
  target_link_libraries(gui_bench PRIVATE ddsim_gui_widgets benchmark::benchmark)
  target_compile_definitions(gui_bench PRIVATE DDSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endif()

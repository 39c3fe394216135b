# DDSIM_SANITIZE=ON: AddressSanitizer + UndefinedBehaviorSanitizer on everything we build.
# DDSIM_TSAN=ON: ThreadSanitizer on everything we build (scripts/build.sh tsan builds only the
# threaded suites with it). The two cannot be combined.
if(DDSIM_SANITIZE AND DDSIM_TSAN)
  message(FATAL_ERROR "DDSIM_SANITIZE and DDSIM_TSAN are exclusive: build them in two trees")
endif()
if(DDSIM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(DDSIM_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
